using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Relational.Progress;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Progress;

/// <summary>The PostgreSQL store against a real server, a new database per test class: the contract, and its own promises.</summary>
[Collection(PostgreSqlTests.Name)]
public sealed class PostgreSqlReadingProgressStoreTests(PostgreSqlCluster cluster) : ReadingProgressStoreContract, IAsyncLifetime
{
    private PostgreSqlReadingProgressStore _store = null!;

    private string _connectionString = "";

    public FakeLogger<PostgreSqlReadingProgressStore> Logger { get; } = new();

    protected override IReadingProgressStore Store => _store;

    protected override FakeTimeProvider Clock { get; } = new(TempStore.ClockStart);

    public async ValueTask InitializeAsync()
    {
        _connectionString = await cluster.CreateDatabaseAsync();
        _store = NewStore();
    }

    public async ValueTask DisposeAsync() => await _store.DisposeAsync();

    protected override long Count(string table) => Convert.ToInt64(Scalar($"SELECT count(*) FROM {table}"), System.Globalization.CultureInfo.InvariantCulture);

    protected override Task<(string Hex, string Text)> EverythingStoredAsync()
    {
        // Every column of every row, as PostgreSQL prints it (bytea as \x + hex).
        var text = string.Join("\n", Database.Tables.Select(t => (string?)Scalar($"SELECT coalesce(string_agg(t::text, '\n'), '') FROM {t} t")));
        return Task.FromResult((text.Replace("\\\\x", "", StringComparison.Ordinal).Replace("\\x", "", StringComparison.Ordinal).ToUpperInvariant(), text));
    }

    [Fact]
    public async Task Each_test_class_gets_the_schema_at_the_current_version_once_even_when_instances_start_together()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => NewStore()).ToArray();
        try
        {
            await Task.WhenAll(stores.Select(s => s.RememberAsync(ReaderKey.New())));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }

        Assert.Equal(1L, Scalar("SELECT count(*) FROM progress_schema WHERE version = 1"));
        Assert.Equal(4L, Scalar("SELECT count(*) FROM readers"));
        Assert.Equal(0, Logger.Errors());
    }

    [Fact]
    public async Task A_database_newer_than_the_code_is_refused_and_left_untouched()
    {
        await _store.RememberAsync(ReaderKey.New());
        Scalar("INSERT INTO progress_schema (version) VALUES (99)");
        await using var newer = NewStore();

        var refused = await Assert.ThrowsAsync<ProgressUnavailableException>(() => newer.RememberAsync(ReaderKey.New()));

        Assert.Contains("newer", refused.Message);
        Assert.Equal(1L, Scalar("SELECT count(*) FROM readers"));
    }

    [Fact]
    public async Task Opting_in_a_save_and_Forget_are_each_on_disk_when_they_return_even_if_the_server_crashes_right_after()
    {
        // Each is the last write before its crash, so that no later commit writes it out with its
        // own (the server's log is written in order).
        var reader = ReaderKey.New();
        await _store.RememberAsync(reader);
        await CrashAndRestartAsync();
        Assert.Equal(1L, Scalar("SELECT count(*) FROM reader_keys"));

        Assert.True(await _store.SavePlaceAsync(reader, Part2));
        await CrashAndRestartAsync();
        Assert.Equal(Part2.Part, Scalar("SELECT saved_part FROM readers"));

        Assert.True(await _store.MarkFinishedAsync(reader, Part1));
        await CrashAndRestartAsync();
        Assert.Equal(1L, Scalar($"SELECT count(*) FROM part_progress WHERE part_slug = '{Part1.Part}' AND finished_at IS NOT NULL"));

        Assert.True(await _store.ForgetAsync(reader));
        await CrashAndRestartAsync();
        Assert.Equal(0L, Scalar("SELECT count(*) FROM readers"));
    }

    /// <summary>Kills the server at once, as a crash would (what was not written out is gone), and starts it again.</summary>
    private async Task CrashAndRestartAsync()
    {
        await cluster.StopAsync();
        await cluster.StartAsync();
        // The store's pooled connections died with the server: the next call starts afresh.
        Clock.Advance(new ProgressOptions().FaultBackOff);
        NpgsqlConnection.ClearAllPools();
    }

    [Fact]
    public async Task Only_one_instance_purges_at_a_time()
    {
        var idle = ReaderKey.New();
        await _store.RememberAsync(idle);
        Clock.Advance(TimeSpan.FromDays(400));

        // Another instance is in the middle of its purge: it holds the lock.
        await using var other = new NpgsqlConnection(_connectionString);
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({Relational.Progress.PostgreSqlStoreMigrations.PurgeLock})", other, transaction))
        {
            await take.ExecuteNonQueryAsync();
        }

        Assert.Equal(0, await _store.PurgeIdleAsync());
        Assert.Equal(1L, Scalar("SELECT count(*) FROM readers"));

        await transaction.RollbackAsync();
        Assert.Equal(1, await _store.PurgeIdleAsync());
        Assert.Null(await _store.FindAsync(idle));
    }

    [Fact]
    public async Task The_server_stopped_makes_saving_unavailable_quickly_logged_once_and_writes_resume_when_it_is_back()
    {
        var key = ReaderKey.New();
        await _store.RememberAsync(key);
        await _store.RecordOpenedAsync(key, Part1, null);

        await cluster.StopAsync();
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < 3; i++)
            {
                Clock.Advance(TimeSpan.FromSeconds(3));
                await Assert.ThrowsAsync<ProgressUnavailableException>(() => _store.RecordOpenedAsync(key, Part2, Part1));
            }

            // Within the back-off a faulted store answers at once, without trying the server.
            for (var i = 0; i < 100; i++)
            {
                await Assert.ThrowsAsync<ProgressUnavailableException>(() => _store.FindAsync(key));
            }

            Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"took {started.Elapsed}");
            Assert.Equal(1, Logger.Errors());
        }
        finally
        {
            await cluster.StartAsync();
        }

        var progress = await RecordOnceTheServerAnswersAsync(key, Part2, Part1);

        Assert.Equal(PartState.Finished, progress!.Parts.Single(s => s.Part == Part1).State);
        Assert.Equal(PartState.Started, progress.Parts.Single(s => s.Part == Part2).State);
        Assert.Contains(Logger.Messages(), m => m.Contains("works again"));
        Assert.Equal(1, Logger.Errors());
        Assert.DoesNotContain(Logger.Messages(), m => m.Contains("Password", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// A page view after the back-off waits only briefly for the store's try (StoreFaults), and a
    /// server just started may take longer than that to take its first connection: the view is
    /// then refused, the try goes on, and a later view goes through. Gives up after 20 s.
    /// </summary>
    private async Task<ReaderProgress?> RecordOnceTheServerAnswersAsync(ReaderKey key, PartRef opened, PartRef previous)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            Clock.Advance(TimeSpan.FromSeconds(3));
            try
            {
                return await _store.RecordOpenedAsync(key, opened, previous);
            }
            catch (ProgressUnavailableException) when (waited.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(100);
            }
        }
    }

    private PostgreSqlReadingProgressStore NewStore() =>
        new(_connectionString, new ProgressOptions { RetentionDays = 365 }, Clock, Logger);

    private object? Scalar(string sql)
    {
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
#pragma warning disable CA2100 // Test SQL over the test's own table names.
        using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        return command.ExecuteScalar();
    }
}
