using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Relational.Progress;

namespace Relational.Tests.Progress;

/// <summary>A clock the test moves by hand.</summary>
public sealed class TestClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Counts what a component logs, by level.</summary>
public sealed class CountingLogger<T> : ILogger<T>
{
    private int _errors;

    public int Errors => _errors;

    public List<string> Messages { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= LogLevel.Error)
        {
            Interlocked.Increment(ref _errors);
        }

        lock (Messages)
        {
            Messages.Add(formatter(state, exception));
        }
    }
}

/// <summary>A store on a real SQLite file in its own temporary folder.</summary>
public sealed class TempStore : IDisposable
{
    public TempStore(string? databasePath = null, int retentionDays = 365, TimeSpan? busyTimeout = null, TimeSpan? pageViewBusyTimeout = null)
    {
        Folder = Directory.CreateTempSubdirectory("relational-store-").FullName;
        DatabasePath = databasePath ?? Path.Combine(Folder, "data", "progress.db");
        Store = new SqliteReadingProgressStore(
            Options.Create(new ProgressOptions { DatabasePath = DatabasePath, RetentionDays = retentionDays, BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(10), PageViewBusyTimeout = pageViewBusyTimeout ?? new ProgressOptions().PageViewBusyTimeout }),
            new HostingEnvironment { ContentRootPath = Folder },
            Clock,
            Logger);
    }

    public string Folder { get; }

    public string DatabasePath { get; }

    public TestClock Clock { get; } = new();

    public CountingLogger<SqliteReadingProgressStore> Logger { get; } = new();

    public SqliteReadingProgressStore Store { get; }

    public long Count(string table) => Database.Count(DatabasePath, table);

    public void Dispose()
    {
        Store.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
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

    public static KeyValuePair<string, string>[] Place(string? section = null) =>
        section is null ? [new("article", Article)] : [new("article", Article), new("section", section)];

    public static async Task<string> TextAsync(this HttpResponseMessage response)
    {
        using (response)
        {
            return await response.Content.ReadAsStringAsync();
        }
    }

    public static void AssertOk(HttpResponseMessage response) => Assert.Equal(HttpStatusCode.OK, response.StatusCode);
}
