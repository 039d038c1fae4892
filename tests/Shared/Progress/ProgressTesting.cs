using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Relational.Progress;

namespace Relational.Tests.Progress;

/// <summary>What a component logged, as the tests ask it.</summary>
public static class FakeLogs
{
    public static int Errors(this FakeLogger logger) => logger.Collector.GetSnapshot().Count(r => r.Level >= LogLevel.Error);

    public static IEnumerable<string> Messages(this FakeLogger logger) => logger.Collector.GetSnapshot().Select(r => r.Message);
}

/// <summary>A store on a real SQLite file in its own temporary folder.</summary>
public sealed class TempStore : IDisposable
{
    private readonly ScratchFolder _folder = new("relational-store-");

    public TempStore(string? databasePath = null, int retentionDays = 365, TimeSpan? busyTimeout = null, TimeSpan? pageViewBusyTimeout = null)
    {
        DatabasePath = databasePath ?? Path.Combine(Folder, "data", "progress.db");
        Store = new SqliteReadingProgressStore(
            Options.Create(new ProgressOptions { DatabasePath = DatabasePath, RetentionDays = retentionDays, BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(10), PageViewBusyTimeout = pageViewBusyTimeout ?? new ProgressOptions().PageViewBusyTimeout }),
            new HostingEnvironment { ContentRootPath = Folder },
            Clock,
            Logger);
    }

    public string Folder => _folder.Root;

    public string DatabasePath { get; }

    /// <summary>Where every store test's clock starts; the test moves it by hand.</summary>
    public static DateTimeOffset ClockStart { get; } = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(ClockStart);

    public FakeLogger<SqliteReadingProgressStore> Logger { get; } = new();

    public SqliteReadingProgressStore Store { get; }

    public long Count(string table) => Database.Count(DatabasePath, table);

    public void Dispose()
    {
        Store.Dispose();
        _folder.Dispose();
    }
}

/// <summary>Looks straight into a database file, as an operator would with the sqlite3 shell.</summary>
public static class Database
{
    public static readonly string[] Tables = ["readers", "reader_keys", "part_progress", "resume_links"];

    public static long Count(string path, string table) => (long)Scalar(path, $"SELECT count(*) FROM {table}")!;

    public static long AllRows(string path) => Tables.Sum(t => Count(path, t));

    public static object? Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}

/// <summary>Posting the site's plain forms the way a browser on the same site does.</summary>
public static class Forms
{
    public const string Article = Series.Slug;

    public static async Task<HttpResponseMessage> PostFormAsync(
        this HttpClient client, string path, IEnumerable<KeyValuePair<string, string>>? fields = null, string? fetchSite = "same-origin", string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(fields ?? []),
        };
        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await client.SendAsync(request);
    }

    public static KeyValuePair<string, string>[] Place(string? part = null) =>
        part is null ? [new("article", Article)] : [new("article", Article), new("part", part)];

    public static async Task<string> TextAsync(this HttpResponseMessage response)
    {
        using (response)
        {
            return await response.Content.ReadAsStringAsync();
        }
    }

    public static void AssertOk(HttpResponseMessage response) => Assert.Equal(HttpStatusCode.OK, response.StatusCode);
}
