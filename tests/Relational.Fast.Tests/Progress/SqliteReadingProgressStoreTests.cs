using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Relational.Progress;

namespace Relational.Tests.Progress;

/// <summary>The SQLite store against real files in temporary folders: the contract, and what only a file has.</summary>
public sealed class SqliteReadingProgressStoreTests : ReadingProgressStoreContract, IDisposable
{
    private readonly TempStore _temp = new(busyTimeout: TimeSpan.FromSeconds(1));

    protected override IReadingProgressStore Store => _temp.Store;

    protected override FakeTimeProvider Clock => _temp.Clock;

    protected override long Count(string table) => _temp.Count(table);

    protected override async Task<(string Hex, string Text)> EverythingStoredAsync()
    {
        SqliteConnection.ClearAllPools();
        var bytes = await File.ReadAllBytesAsync(_temp.DatabasePath);
        var wal = File.Exists(_temp.DatabasePath + "-wal") ? await File.ReadAllBytesAsync(_temp.DatabasePath + "-wal") : [];
        byte[] all = [.. bytes, .. wal];
        return (Convert.ToHexString(all), System.Text.Encoding.Latin1.GetString(all));
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task An_empty_folder_gets_a_database_at_the_current_schema_version_in_WAL_mode()
    {
        Assert.False(Directory.Exists(Path.GetDirectoryName(_temp.DatabasePath)));

        await Store.RememberAsync(ReaderKey.New());

        Assert.True(File.Exists(_temp.DatabasePath));
        Assert.Equal((long)ProgressSchema.Version, Database.Scalar(_temp.DatabasePath, "PRAGMA user_version"));
        Assert.Equal("wal", Database.Scalar(_temp.DatabasePath, "PRAGMA journal_mode"));
        foreach (var table in Database.Tables)
        {
            Assert.Equal(1L, Database.Scalar(_temp.DatabasePath, $"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '{table}'"));
        }
    }

    [Fact]
    public async Task A_database_newer_than_the_code_is_refused_and_left_untouched()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_temp.DatabasePath)!);
        Database.Scalar(_temp.DatabasePath, "CREATE TABLE future (x); PRAGMA user_version = 99;");
        var before = await File.ReadAllBytesAsync(_temp.DatabasePath);

        var refused = await Assert.ThrowsAsync<ProgressUnavailableException>(() => Store.RememberAsync(ReaderKey.New()));

        Assert.Contains("newer", refused.Message);
        Assert.Equal(before, await File.ReadAllBytesAsync(_temp.DatabasePath));
        Assert.Equal(1, _temp.Logger.Errors());
    }

    [Fact]
    public async Task A_corrupt_file_makes_the_store_unavailable_logs_once_backs_off_and_recovers_when_replaced()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_temp.DatabasePath)!);
        await File.WriteAllTextAsync(_temp.DatabasePath, new string('x', 8192));

        for (var i = 0; i < 3; i++)
        {
            // Each try after the back-off, so each one reaches the file again.
            _temp.Clock.Advance(TimeSpan.FromSeconds(3));
            await Assert.ThrowsAsync<ProgressUnavailableException>(() => Store.RememberAsync(ReaderKey.New()));
        }

        Assert.Equal(1, _temp.Logger.Errors());
        Assert.Contains(_temp.Logger.Messages(), m => m.Contains("cannot be stored"));

        // Fixed, but a fault was just seen: for the back-off the store does not try the file again.
        File.Delete(_temp.DatabasePath);
        await Assert.ThrowsAsync<ProgressUnavailableException>(() => Store.RememberAsync(ReaderKey.New()));
        Assert.False(File.Exists(_temp.DatabasePath));

        _temp.Clock.Advance(new ProgressOptions().FaultBackOff);
        var key = ReaderKey.New();
        await Store.RememberAsync(key);
        Assert.NotNull(await Store.FindAsync(key));
        Assert.Contains(_temp.Logger.Messages(), m => m.Contains("works again"));
        Assert.Equal(1, _temp.Logger.Errors());
    }

    [Fact]
    public async Task A_folder_that_cannot_be_created_makes_the_store_unavailable_not_broken()
    {
        var blocker = Path.Combine(_temp.Folder, "blocker");
        await File.WriteAllTextAsync(blocker, "a file where a folder should be");
        using var temp = new TempStore(Path.Combine(blocker, "progress.db"));

        await Assert.ThrowsAsync<ProgressUnavailableException>(() => temp.Store.RememberAsync(ReaderKey.New()));
        temp.Clock.Advance(TimeSpan.FromMinutes(1));
        await Assert.ThrowsAsync<ProgressUnavailableException>(() => temp.Store.PurgeIdleAsync());
        Assert.Equal(1, temp.Logger.Errors());
    }

    [Fact]
    public async Task An_unknown_key_costs_a_read_only_never_a_turn_at_the_writer()
    {
        var known = ReaderKey.New();
        await Store.RememberAsync(known);
        var stranger = ReaderKey.New();

        // Another process holds the write lock: anything that wants to write waits for it.
        using var other = HoldTheWriteLock();

        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Null(await Store.RecordOpenedAsync(stranger, Part1, null));
        Assert.False(await Store.SavePlaceAsync(stranger, Part1));
        Assert.False(await Store.MarkFinishedAsync(stranger, Part1));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1), $"waited {started.Elapsed} for the writer");

        // The known reader's view does wait for the lock (here: gives up after the busy timeout).
        await Assert.ThrowsAsync<ProgressUnavailableException>(() => Store.RecordOpenedAsync(known, Part1, null));
    }

    [Fact]
    public async Task Views_queued_behind_another_process_s_lock_give_up_together_not_one_busy_timeout_each()
    {
        var readers = Enumerable.Range(0, 8).Select(_ => ReaderKey.New()).ToArray();
        foreach (var reader in readers)
        {
            await Store.RememberAsync(reader);
        }

        using var other = HoldTheWriteLock();

        // Eight readers open a part at once: one save waits for the lock (busy timeout 1 s here,
        // 10 s by default); the others must not each wait it out in turn after it.
        var started = System.Diagnostics.Stopwatch.StartNew();
        var views = readers.Select(reader => Task.Run(() => Store.RecordOpenedAsync(reader, Part1, null))).ToArray();
        foreach (var view in views)
        {
            await Assert.ThrowsAsync<ProgressUnavailableException>(() => view);
        }

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), $"eight views behind the lock took {started.Elapsed}");
    }

    [Fact]
    public async Task A_page_view_gives_up_on_another_process_s_lock_after_about_a_second_while_a_save_waits_the_busy_timeout()
    {
        using var temp = new TempStore(busyTimeout: TimeSpan.FromSeconds(5));
        var reader = ReaderKey.New();
        await temp.Store.RememberAsync(reader);

        // The page waits on its view's mark: that gives up long before a save would.
        using (HoldTheWriteLock(temp.DatabasePath))
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            await Assert.ThrowsAsync<ProgressUnavailableException>(() => temp.Store.RecordOpenedAsync(reader, Part1, null));
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), $"a page view waited {started.Elapsed} for the lock");
        }

        temp.Clock.Advance(new ProgressOptions().FaultBackOff);

        // A save the reader asked for outlasts a lock held for two seconds.
        var held = HoldTheWriteLock(temp.DatabasePath);
        var release = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            held.Dispose();
        });
        Assert.True(await temp.Store.SavePlaceAsync(reader, Part1));
        await release;

        Assert.NotNull(await temp.Store.RecordOpenedAsync(reader, Part2, Part1));
        Assert.Equal(1, temp.Logger.Errors());
    }

    [Fact]
    public async Task After_a_fault_the_store_starts_afresh_without_waiting_out_another_process_s_lock()
    {
        using var temp = new TempStore(busyTimeout: TimeSpan.FromSeconds(5));
        var reader = ReaderKey.New();
        await temp.Store.RememberAsync(reader);
        using var held = HoldTheWriteLock(temp.DatabasePath);
        await Assert.ThrowsAsync<ProgressUnavailableException>(() => temp.Store.RecordOpenedAsync(reader, Part1, null));
        temp.Clock.Advance(new ProgressOptions().FaultBackOff);

        // Starting afresh looks at the file's schema and mode; an up-to-date file needs no lock for that.
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.NotNull(await temp.Store.FindAsync(reader));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"reading after a fault waited {started.Elapsed}");

        started.Restart();
        await Assert.ThrowsAsync<ProgressUnavailableException>(() => temp.Store.RecordOpenedAsync(reader, Part2, Part1));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), $"a page view after a fault waited {started.Elapsed}");
    }

    [Fact]
    public async Task After_the_back_off_a_page_waits_only_briefly_for_the_store_s_next_try_which_records_its_view_when_the_lock_goes()
    {
        // A page view's lock wait of 3 s, so a page that waited it out is told apart.
        using var temp = new TempStore(busyTimeout: TimeSpan.FromSeconds(5), pageViewBusyTimeout: TimeSpan.FromSeconds(3));
        var reader = ReaderKey.New();
        await temp.Store.RememberAsync(reader);
        var held = HoldTheWriteLock(temp.DatabasePath);
        await Assert.ThrowsAsync<ProgressUnavailableException>(() => temp.Store.RecordOpenedAsync(reader, Part1, null));
        temp.Clock.Advance(new ProgressOptions().FaultBackOff);

        // The next view tries the store again, but its page is served without waiting for the lock,
        // and so is every view while that try is under way.
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAsync<ProgressUnavailableException>(() => temp.Store.RecordOpenedAsync(reader, Part2, Part1));
        await Assert.ThrowsAsync<ProgressUnavailableException>(() => temp.Store.RecordOpenedAsync(reader, Part3, Part2));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1.5), $"two pages waited {started.Elapsed} for a store another process has locked");

        // The try is still waiting for the lock: when it goes, that view is recorded after all.
        held.Dispose();
        var progress = await EventuallyAsync(async () => await temp.Store.FindAsync(reader) is { } found && found.Parts.Any(s => s.Part == Part2) ? found : null);
        Assert.DoesNotContain(progress.Parts, s => s.Part == Part3);
        Assert.Equal(1, temp.Logger.Errors());
        Assert.Contains(temp.Logger.Messages(), m => m.Contains("works again", StringComparison.Ordinal));
        Assert.NotNull(await temp.Store.RecordOpenedAsync(reader, Part3, Part2));
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> check)
        where T : class
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (await check() is { } found)
            {
                return found;
            }

            Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), "the store did not record the view in 10 s");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Reads_that_go_through_while_writes_fail_do_not_count_as_the_store_working_again()
    {
        var reader = ReaderKey.New();
        await Store.RememberAsync(reader);
        var held = HoldTheWriteLock();
        await Assert.ThrowsAsync<ProgressUnavailableException>(() => Store.RecordOpenedAsync(reader, Part1, null));

        // The lock is only for writing: reading goes on, and says nothing about whether writes work.
        _temp.Clock.Advance(new ProgressOptions().FaultBackOff);
        Assert.NotNull(await Store.FindAsync(reader));
        _temp.Clock.Advance(new ProgressOptions().FaultBackOff);
        await Assert.ThrowsAsync<ProgressUnavailableException>(() => Store.RecordOpenedAsync(reader, Part1, null));
        Assert.Equal(1, _temp.Logger.Errors());
        Assert.DoesNotContain(_temp.Logger.Messages(), m => m.Contains("works again", StringComparison.Ordinal));

        held.Dispose();
        _temp.Clock.Advance(new ProgressOptions().FaultBackOff);
        // The last view's try may still be waiting for the lock; one of the next views records.
        await EventuallyAsync(async () =>
        {
            try
            {
                return await Store.RecordOpenedAsync(reader, Part1, null);
            }
            catch (ProgressUnavailableException)
            {
                return null;
            }
        });
        Assert.Contains(_temp.Logger.Messages(), m => m.Contains("works again", StringComparison.Ordinal));
    }

    /// <summary>A connection of its own, as another process's, holding the write lock until disposed.</summary>
    private SqliteConnection HoldTheWriteLock(string? databasePath = null)
    {
        var other = new SqliteConnection($"Data Source={databasePath ?? _temp.DatabasePath};Pooling=False");
        other.Open();
        using var begin = other.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        begin.ExecuteNonQuery();
        return other;
    }

    [Fact]
    public void A_relative_path_is_taken_from_the_app_folder_whatever_folders_are_above_it()
    {
        // Run from source the app's folder is the build output, under the repository: the file
        // stays beside the app rather than being looked for above it.
        var appFolder = AppContext.BaseDirectory;

        Assert.Equal(Path.Combine(appFolder, "data", "progress.db"), ProgressOptions.Resolve("data/progress.db", appFolder));
        Assert.Equal("/data/progress.db", ProgressOptions.Resolve("/data/progress.db", appFolder));
    }
}
