using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Relational.Progress;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Progress;

/// <summary>
/// A database written by an earlier version of the site keeps every reader's progress when this
/// version's schema steps run on it, on both stores: the readers who opted in before an upgrade
/// find their place after it.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class SchemaStepTests(PostgreSqlCluster cluster) : IDisposable
{
    /// <summary>The schema before part progress had its own name: steps 1 and 2.</summary>
    private const int Before = 2;

    private static readonly long At = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds();

    private readonly ReaderKey _key = ReaderKey.New();

    private readonly ScratchFolder _folder = new("relational-steps-");

    [Fact]
    public async Task A_SQLite_file_from_before_keeps_every_readers_parts_and_saved_place()
    {
        var path = _folder.File("progress.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            foreach (var step in ProgressSchema.Steps.Take(Before))
            {
                Execute(connection, step);
            }

            Execute(connection, $"PRAGMA user_version = {Before}");
            Execute(connection, $"""
                INSERT INTO readers (id, created_at, last_active_at, saved_article, saved_section, saved_at) VALUES (1, {At}, {At}, 'an-article', 'second', {At});
                INSERT INTO reader_keys (key_hash, reader_id, created_at) VALUES ($hash, 1, {At});
                INSERT INTO section_progress (reader_id, article_slug, section_slug, started_at, last_opened_at, finished_at)
                VALUES (1, 'an-article', 'first', {At}, {At}, {At}), (1, 'an-article', 'second', {At}, {At}, NULL);
                """, ("$hash", _key.Hash()));
        }

        using var store = new SqliteReadingProgressStore(
            Options.Create(new ProgressOptions { DatabasePath = path }),
            new HostingEnvironment { ContentRootPath = _folder.Root },
            TimeProvider.System,
            NullLogger<SqliteReadingProgressStore>.Instance);

        AssertKept(await store.FindAsync(_key));
        Assert.Equal((long)ProgressSchema.Version, Database.Scalar(path, "PRAGMA user_version"));
    }

    [Fact]
    public async Task A_PostgreSQL_database_from_before_keeps_every_readers_parts_and_saved_place()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            connection.Open();
            Execute(connection, "CREATE TABLE progress_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
            for (var version = 1; version <= Before; version++)
            {
                Execute(connection, PostgreSqlStoreMigrations.Steps[version - 1]);
                Execute(connection, $"INSERT INTO progress_schema (version) VALUES ({version})");
            }

            Execute(connection, $"INSERT INTO readers (created_at, last_active_at, saved_article, saved_section, saved_at) VALUES ({At}, {At}, 'an-article', 'second', {At})");
            Execute(connection, $"INSERT INTO reader_keys (key_hash, reader_id, created_at) SELECT $1, id, {At} FROM readers", _key.Hash());
            Execute(connection, $"""
                INSERT INTO section_progress (reader_id, article_slug, section_slug, started_at, last_opened_at, finished_at)
                SELECT id, 'an-article', 'first', {At}, {At}, {At} FROM readers UNION ALL SELECT id, 'an-article', 'second', {At}, {At}, NULL FROM readers
                """);
        }

        await using var store = new PostgreSqlReadingProgressStore(
            connectionString, new ProgressOptions(), TimeProvider.System, NullLogger<PostgreSqlReadingProgressStore>.Instance);

        AssertKept(await store.FindAsync(_key));
    }

    public void Dispose() => _folder.Dispose();

    private static void AssertKept(ReaderProgress? progress)
    {
        Assert.NotNull(progress);
        Assert.Equal(new PartRef("an-article", "second"), progress.SavedPlace?.Part);
        Assert.Equal(
            [("first", PartState.Finished), ("second", PartState.Started)],
            progress.Parts.Select(s => (s.Part.Part, s.State)).Order());
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The schema's own steps and this test's constants.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    private static void Execute(NpgsqlConnection connection, string sql, params object[] parameters)
    {
#pragma warning disable CA2100 // The schema's own steps and this test's constants.
        using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        command.ExecuteNonQuery();
    }
}
