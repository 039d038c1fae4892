using Relational.Progress;

namespace Relational.Tests.Progress;

/// <summary>The SQLite store against real files in temporary folders.</summary>
public sealed class ReadingProgressStoreTests : IDisposable
{
    private static readonly SectionRef Part1 = new(Forms.Article, "before-we-begin");
    private static readonly SectionRef Part2 = new(Forms.Article, "trauma-was-formed-in-relationship");
    private static readonly SectionRef Part3 = new(Forms.Article, "why-self-work-alone-often-isnt-enough");

    private readonly TempStore _temp = new();

    private SqliteReadingProgressStore Store => _temp.Store;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task An_empty_folder_gets_a_database_at_the_current_schema_version_in_WAL_mode()
    {
        Assert.False(Directory.Exists(Path.GetDirectoryName(_temp.DatabasePath)));

        await Store.RememberAsync(ReaderKey.New());

        Assert.True(File.Exists(_temp.DatabasePath));
        Assert.Equal(1L, Database.Scalar(_temp.DatabasePath, "PRAGMA user_version"));
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
        Assert.Equal(1, _temp.Logger.Errors);
    }

    [Fact]
    public async Task Remember_then_find_gives_an_empty_record()
    {
        var key = ReaderKey.New();
        await Store.RememberAsync(key);

        var progress = await Store.FindAsync(key);

        Assert.NotNull(progress);
        Assert.Empty(progress.Sections);
        Assert.Null(progress.SavedPlace);
        Assert.Equal(1, progress.Devices);
        Assert.Equal(_temp.Clock.Now, progress.CreatedAt);
    }

    [Fact]
    public async Task An_unknown_key_finds_nothing_and_writes_nothing()
    {
        var stranger = ReaderKey.New();
        await Store.RememberAsync(ReaderKey.New());

        Assert.Null(await Store.FindAsync(stranger));
        Assert.Null(await Store.RecordOpenedAsync(stranger, Part1, null));
        Assert.False(await Store.MarkFinishedAsync(stranger, Part1));
        Assert.False(await Store.SavePlaceAsync(stranger, Part1));
        Assert.Null(await Store.CreateResumeLinkAsync(stranger));
        Assert.False(await Store.RevokeResumeLinkAsync(stranger));
        Assert.False(await Store.ForgetAsync(stranger));
        Assert.Equal(0, _temp.Count("section_progress") + _temp.Count("resume_links"));
    }

    [Fact]
    public async Task Opening_a_part_starts_it_and_finishes_the_started_part_before_it()
    {
        var key = ReaderKey.New();
        await Store.RememberAsync(key);

        await Store.RecordOpenedAsync(key, Part1, null);
        _temp.Clock.Now += TimeSpan.FromMinutes(3);
        var progress = await Store.RecordOpenedAsync(key, Part2, Part1);

        Assert.NotNull(progress);
        Assert.Equal(SectionState.Finished, progress.Sections.Single(s => s.Part == Part1).State);
        Assert.Equal(SectionState.Started, progress.Sections.Single(s => s.Part == Part2).State);
        Assert.Equal(_temp.Clock.Now, progress.LastActiveAt);
    }

    [Fact]
    public async Task Opening_a_part_does_not_finish_a_part_before_it_that_was_never_opened()
    {
        var key = ReaderKey.New();
        await Store.RememberAsync(key);

        var progress = await Store.RecordOpenedAsync(key, Part3, Part2);

        Assert.DoesNotContain(progress!.Sections, s => s.Part == Part2);
    }

    [Fact]
    public async Task Mark_finished_works_on_a_part_never_opened_and_is_kept_when_reopened()
    {
        var key = ReaderKey.New();
        await Store.RememberAsync(key);

        Assert.True(await Store.MarkFinishedAsync(key, Part2));
        var progress = await Store.RecordOpenedAsync(key, Part2, Part1);

        Assert.Equal(SectionState.Finished, progress!.Sections.Single(s => s.Part == Part2).State);
    }

    [Fact]
    public async Task Saving_a_place_keeps_one_place_the_latest()
    {
        var key = ReaderKey.New();
        await Store.RememberAsync(key);

        await Store.SavePlaceAsync(key, Part2);
        await Store.SavePlaceAsync(key, Part3);

        var progress = await Store.FindAsync(key);
        Assert.Equal(Part3, progress!.SavedPlace!.Part);
    }

    [Fact]
    public async Task A_resume_link_adopts_the_same_progress_under_a_new_key_until_revoked()
    {
        var first = ReaderKey.New();
        await Store.RememberAsync(first);
        await Store.RecordOpenedAsync(first, Part2, null);
        var token = await Store.CreateResumeLinkAsync(first);
        Assert.NotNull(token);
        Assert.True(await Store.ResumeLinkExistsAsync(token));

        var second = ReaderKey.New();
        Assert.True(await Store.AdoptAsync(token, second, null));
        var seen = await Store.FindAsync(second);
        Assert.Equal(Part2, Assert.Single(seen!.Sections).Part);
        Assert.Equal(2, seen.Devices);

        Assert.True(await Store.RevokeResumeLinkAsync(first));
        Assert.False(await Store.ResumeLinkExistsAsync(token));
        Assert.False(await Store.AdoptAsync(token, ReaderKey.New(), null));
        Assert.NotNull(await Store.FindAsync(second));
    }

    [Fact]
    public async Task A_new_resume_link_replaces_the_old_one()
    {
        var key = ReaderKey.New();
        await Store.RememberAsync(key);
        var old = await Store.CreateResumeLinkAsync(key);
        var fresh = await Store.CreateResumeLinkAsync(key);

        Assert.False(await Store.AdoptAsync(old!, ReaderKey.New(), null));
        Assert.True(await Store.AdoptAsync(fresh!, ReaderKey.New(), null));
        Assert.Equal(1, _temp.Count("resume_links"));
    }

    [Fact]
    public async Task Adopting_on_a_device_that_had_its_own_progress_drops_that_progress()
    {
        var owner = ReaderKey.New();
        await Store.RememberAsync(owner);
        var token = await Store.CreateResumeLinkAsync(owner);
        var other = ReaderKey.New();
        await Store.RememberAsync(other);
        await Store.RecordOpenedAsync(other, Part3, null);

        Assert.True(await Store.AdoptAsync(token!, ReaderKey.New(), other));

        Assert.Null(await Store.FindAsync(other));
        Assert.Equal(1, _temp.Count("readers"));
        Assert.Equal(0, _temp.Count("section_progress"));
    }

    [Fact]
    public async Task Tokens_and_keys_are_stored_only_as_hashes()
    {
        var key = ReaderKey.New();
        await Store.RememberAsync(key);
        var token = await Store.CreateResumeLinkAsync(key);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var bytes = await File.ReadAllBytesAsync(_temp.DatabasePath);
        var wal = File.Exists(_temp.DatabasePath + "-wal") ? await File.ReadAllBytesAsync(_temp.DatabasePath + "-wal") : [];
        var everything = System.Text.Encoding.Latin1.GetString([.. bytes, .. wal]);
        Assert.DoesNotContain(key.Value, everything);
        Assert.DoesNotContain(token!.Value, everything);
        Assert.Contains(Convert.ToHexString(StoredSecretsTests.Sha256Of(key.Value)), Convert.ToHexString([.. bytes, .. wal]));
    }

    [Fact]
    public async Task Forget_deletes_every_row_of_that_reader_on_every_device_and_no_one_else()
    {
        var key = ReaderKey.New();
        await Store.RememberAsync(key);
        await Store.RecordOpenedAsync(key, Part1, null);
        await Store.SavePlaceAsync(key, Part1);
        var token = await Store.CreateResumeLinkAsync(key);
        await Store.AdoptAsync(token!, ReaderKey.New(), null);
        var neighbour = ReaderKey.New();
        await Store.RememberAsync(neighbour);
        await Store.RecordOpenedAsync(neighbour, Part1, null);

        Assert.True(await Store.ForgetAsync(key));

        Assert.Null(await Store.FindAsync(key));
        Assert.Equal(1, _temp.Count("readers"));
        Assert.Equal(1, _temp.Count("reader_keys"));
        Assert.Equal(1, _temp.Count("section_progress"));
        Assert.Equal(0, _temp.Count("resume_links"));
        Assert.False(await Store.AdoptAsync(token!, ReaderKey.New(), null));
    }

    [Fact]
    public async Task Purge_deletes_readers_idle_past_the_retention_period_only()
    {
        var idle = ReaderKey.New();
        await Store.RememberAsync(idle);
        await Store.RecordOpenedAsync(idle, Part1, null);
        _temp.Clock.Now += TimeSpan.FromDays(200);
        var active = ReaderKey.New();
        await Store.RememberAsync(active);
        _temp.Clock.Now += TimeSpan.FromDays(166);

        Assert.Equal(1, await Store.PurgeIdleAsync());

        Assert.Null(await Store.FindAsync(idle));
        Assert.NotNull(await Store.FindAsync(active));
        Assert.Equal(0, _temp.Count("section_progress"));
        Assert.Equal(1, _temp.Count("reader_keys"));
    }

    [Fact]
    public async Task The_purge_runs_at_start_and_stopping_while_it_waits_ends_it_cleanly()
    {
        var idle = ReaderKey.New();
        await Store.RememberAsync(idle);
        _temp.Clock.Now += TimeSpan.FromDays(400);
        using var purge = new ProgressPurgeService(
            Store,
            Microsoft.Extensions.Options.Options.Create(new ProgressOptions { RetentionDays = 365 }),
            _temp.Clock,
            new CountingLogger<ProgressPurgeService>());

        await purge.StartAsync(CancellationToken.None);
        for (var i = 0; i < 200 && _temp.Count("readers") > 0; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(0, _temp.Count("readers"));
        // As the host does when start-up fails (a port already taken): the service is disposed
        // while it waits for the next tick, without StopAsync. That is no failure of its own.
        purge.Dispose();
        await purge.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.True(purge.ExecuteTask.IsCompletedSuccessfully, $"ended {purge.ExecuteTask.Status}");
    }

    [Fact]
    public async Task Fifty_readers_writing_at_once_lose_nothing()
    {
        var keys = Enumerable.Range(0, 50).Select(_ => ReaderKey.New()).ToArray();
        var sections = new[] { "before-we-begin", "trauma-was-formed-in-relationship", "why-self-work-alone-often-isnt-enough", "healing-requires-a-different-relational-experience", "why-therapy-can-feel-so-vulnerable" };

        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 50 }, async (key, ct) =>
        {
            await Store.RememberAsync(key, ct);
            foreach (var section in sections)
            {
                await Store.RecordOpenedAsync(key, new SectionRef(Forms.Article, section), null, ct);
            }

            await Store.SavePlaceAsync(key, new SectionRef(Forms.Article, sections[^1]), ct);
        });

        Assert.Equal(50, _temp.Count("readers"));
        Assert.Equal(250, _temp.Count("section_progress"));
        foreach (var key in keys)
        {
            var progress = await Store.FindAsync(key);
            Assert.Equal(5, progress!.Sections.Length);
            Assert.NotNull(progress.SavedPlace);
        }
    }

    [Fact]
    public async Task A_corrupt_file_makes_the_store_unavailable_logs_once_and_recovers_when_replaced()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_temp.DatabasePath)!);
        await File.WriteAllTextAsync(_temp.DatabasePath, new string('x', 8192));

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<ProgressUnavailableException>(() => Store.RememberAsync(ReaderKey.New()));
        }

        Assert.Equal(1, _temp.Logger.Errors);
        Assert.Contains(_temp.Logger.Messages, m => m.Contains("cannot be stored"));

        File.Delete(_temp.DatabasePath);
        var key = ReaderKey.New();
        await Store.RememberAsync(key);
        Assert.NotNull(await Store.FindAsync(key));
        Assert.Contains(_temp.Logger.Messages, m => m.Contains("works again"));
    }

    [Fact]
    public async Task A_folder_that_cannot_be_created_makes_the_store_unavailable_not_broken()
    {
        var blocker = Path.Combine(Path.GetTempPath(), "relational-blocker-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(blocker, "a file where a folder should be");
        try
        {
            using var temp = new TempStore(Path.Combine(blocker, "progress.db"));

            await Assert.ThrowsAsync<ProgressUnavailableException>(() => temp.Store.RememberAsync(ReaderKey.New()));
            await Assert.ThrowsAsync<ProgressUnavailableException>(() => temp.Store.PurgeIdleAsync());
            Assert.Equal(1, temp.Logger.Errors);
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    [Fact]
    public void A_relative_path_is_taken_from_the_repository_root_when_running_from_source()
    {
        var webProject = Path.Combine(Paths.RepositoryRoot, "src", "Relational.Web");

        Assert.Equal(Path.Combine(Paths.RepositoryRoot, "data", "progress.db"), ProgressOptions.Resolve("data/progress.db", webProject));
        Assert.Equal("/data/progress.db", ProgressOptions.Resolve("/data/progress.db", webProject));
    }
}
