using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Relational.Progress;

namespace Relational.Tests.Progress;

/// <summary>
/// What every <see cref="IReadingProgressStore"/> promises, run against each real store by a
/// derived class (one per store). No mocks: each derived class gives a store on a real database.
/// </summary>
public abstract class ReadingProgressStoreContract
{
    protected static readonly PartRef Part1 = new(Series.Slug, Series.PartSlug(1));
    protected static readonly PartRef Part2 = new(Series.Slug, Series.PartSlug(2));
    protected static readonly PartRef Part3 = new(Series.Slug, Series.PartSlug(3));

    protected abstract IReadingProgressStore Store { get; }

    protected abstract FakeTimeProvider Clock { get; }

    /// <summary>Rows in one of <see cref="Database.Tables"/>, counted straight in the database.</summary>
    protected abstract long Count(string table);

    /// <summary>Every byte the database holds for readers, as upper-case hex, and its text values.</summary>
    protected abstract Task<(string Hex, string Text)> EverythingStoredAsync();

    [Fact]
    public async Task Remember_then_find_gives_an_empty_record()
    {
        var key = ReaderKey.New();
        await Store.RememberAsync(key);

        var progress = await Store.FindAsync(key);

        Assert.NotNull(progress);
        Assert.Empty(progress.Parts);
        Assert.Null(progress.SavedPlace);
        Assert.Equal(1, progress.Devices);
        Assert.Equal(Clock.GetUtcNow(), progress.CreatedAt);
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
        Assert.Equal(0, Count("part_progress") + Count("resume_links"));
        Assert.Equal(1, Count("readers"));
    }

    [Fact]
    public async Task Opening_a_part_starts_it_and_finishes_the_started_part_before_it()
    {
        var key = ReaderKey.New();
        await Store.RememberAsync(key);

        await Store.RecordOpenedAsync(key, Part1, null);
        Clock.Advance(TimeSpan.FromMinutes(3));
        var progress = await Store.RecordOpenedAsync(key, Part2, Part1);

        Assert.NotNull(progress);
        Assert.Equal(PartState.Finished, progress.Parts.Single(s => s.Part == Part1).State);
        Assert.Equal(PartState.Started, progress.Parts.Single(s => s.Part == Part2).State);
        Assert.Equal(Clock.GetUtcNow(), progress.LastActiveAt);
    }

    [Fact]
    public async Task Opening_a_part_does_not_finish_a_part_before_it_that_was_never_opened()
    {
        var key = ReaderKey.New();
        await Store.RememberAsync(key);

        var progress = await Store.RecordOpenedAsync(key, Part3, Part2);

        Assert.DoesNotContain(progress!.Parts, s => s.Part == Part2);
    }

    [Fact]
    public async Task Mark_finished_works_on_a_part_never_opened_and_is_kept_when_reopened()
    {
        var key = ReaderKey.New();
        await Store.RememberAsync(key);

        Assert.True(await Store.MarkFinishedAsync(key, Part2));
        var progress = await Store.RecordOpenedAsync(key, Part2, Part1);

        Assert.Equal(PartState.Finished, progress!.Parts.Single(s => s.Part == Part2).State);
    }

    [Fact]
    public async Task Saving_a_place_keeps_one_place_the_latest()
    {
        var key = ReaderKey.New();
        await Store.RememberAsync(key);

        await Store.SavePlaceAsync(key, Part2);
        Clock.Advance(TimeSpan.FromSeconds(5));
        await Store.SavePlaceAsync(key, Part3);

        var progress = await Store.FindAsync(key);
        Assert.Equal(Part3, progress!.SavedPlace!.Part);
        Assert.Equal(Clock.GetUtcNow(), progress.SavedPlace.SavedAt);
    }

    [Fact]
    public async Task A_resume_link_adopts_the_same_progress_under_a_new_key_once()
    {
        var first = ReaderKey.New();
        await Store.RememberAsync(first);
        await Store.RecordOpenedAsync(first, Part2, null);
        var token = await Store.CreateResumeLinkAsync(first);
        Assert.NotNull(token);
        Assert.Equal(Part2, Assert.Single((await Store.FindByResumeLinkAsync(token))!.Parts).Part);

        var second = ReaderKey.New();
        Assert.True(await Store.AdoptAsync(token, second, null));
        var seen = await Store.FindAsync(second);
        Assert.Equal(Part2, Assert.Single(seen!.Parts).Part);
        Assert.Equal(2, seen.Devices);

        // Used up: a second device cannot adopt it, and it carries nothing any more.
        Assert.Null(await Store.FindByResumeLinkAsync(token));
        Assert.False(await Store.AdoptAsync(token, ReaderKey.New(), null));
        Assert.Equal(0, Count("resume_links"));
        Assert.Equal(2, (await Store.FindAsync(first))!.Devices);
    }

    [Fact]
    public async Task A_revoked_resume_link_carries_nothing()
    {
        var key = ReaderKey.New();
        await Store.RememberAsync(key);
        var token = await Store.CreateResumeLinkAsync(key);

        Assert.True(await Store.RevokeResumeLinkAsync(key));

        Assert.Null(await Store.FindByResumeLinkAsync(token!));
        Assert.False(await Store.AdoptAsync(token!, ReaderKey.New(), null));
        Assert.NotNull(await Store.FindAsync(key));
    }

    [Fact]
    public async Task A_new_resume_link_replaces_the_old_one()
    {
        var key = ReaderKey.New();
        await Store.RememberAsync(key);
        var old = await Store.CreateResumeLinkAsync(key);
        var fresh = await Store.CreateResumeLinkAsync(key);

        Assert.Equal(1, Count("resume_links"));
        Assert.False(await Store.AdoptAsync(old!, ReaderKey.New(), null));
        Assert.True(await Store.AdoptAsync(fresh!, ReaderKey.New(), null));
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
        Assert.Equal(1, Count("readers"));
        Assert.Equal(0, Count("part_progress"));
    }

    [Fact]
    public async Task Tokens_and_keys_are_stored_only_as_their_SHA_256_hashes()
    {
        var key = ReaderKey.New();
        await Store.RememberAsync(key);
        var token = await Store.CreateResumeLinkAsync(key);

        var (hex, text) = await EverythingStoredAsync();

        foreach (var secret in new Secret[] { key, token! })
        {
            // Worked out here, not with the code under test: storing the secret's own bytes must fail.
            var raw = Base64Url.DecodeFromChars(secret.Value);
            Assert.DoesNotContain(Convert.ToHexString(raw), hex);
            Assert.DoesNotContain(secret.Value, text);
            Assert.Contains(Convert.ToHexString(SHA256.HashData(raw)), hex);
        }
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
        Assert.Equal(1, Count("readers"));
        Assert.Equal(1, Count("reader_keys"));
        Assert.Equal(1, Count("part_progress"));
        Assert.Equal(0, Count("resume_links"));
        Assert.False(await Store.AdoptAsync(token!, ReaderKey.New(), null));
        Assert.NotNull(await Store.FindAsync(neighbour));
    }

    [Fact]
    public async Task Purge_deletes_readers_idle_past_the_retention_period_only()
    {
        var idle = ReaderKey.New();
        await Store.RememberAsync(idle);
        await Store.RecordOpenedAsync(idle, Part1, null);
        Clock.Advance(TimeSpan.FromDays(200));
        var active = ReaderKey.New();
        await Store.RememberAsync(active);
        Clock.Advance(TimeSpan.FromDays(166));

        Assert.Equal(1, await Store.PurgeIdleAsync());

        Assert.Null(await Store.FindAsync(idle));
        Assert.NotNull(await Store.FindAsync(active));
        Assert.Equal(0, Count("part_progress"));
        Assert.Equal(1, Count("reader_keys"));
    }

    [Fact]
    public async Task The_purge_runs_at_start_and_stopping_while_it_waits_ends_it_cleanly()
    {
        var idle = ReaderKey.New();
        await Store.RememberAsync(idle);
        Clock.Advance(TimeSpan.FromDays(400));
        using var purge = new ProgressPurgeService(
            Store,
            Microsoft.Extensions.Options.Options.Create(new ProgressOptions { RetentionDays = 365 }),
            Clock,
            new FakeLogger<ProgressPurgeService>());

        await purge.StartAsync(CancellationToken.None);
        for (var i = 0; i < 200 && Count("readers") > 0; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(0, Count("readers"));
        // As the host does when start-up fails (a port already taken): the service is disposed
        // while it waits for the next tick, without StopAsync. That is no failure of its own.
        purge.Dispose();
        await purge.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.True(purge.ExecuteTask.IsCompletedSuccessfully, $"ended {purge.ExecuteTask.Status}");
    }

    [Fact]
    public async Task Fifty_readers_writing_at_once_lose_nothing_and_see_only_their_own()
    {
        var keys = Enumerable.Range(0, 50).Select(_ => ReaderKey.New()).ToArray();
        var parts = Series.Parts.Take(5).Select(p => p.Slug).ToArray();

        await Parallel.ForEachAsync(keys.Select((key, i) => (key, i)), new ParallelOptions { MaxDegreeOfParallelism = 50 }, async (reader, ct) =>
        {
            await Store.RememberAsync(reader.key, null, ct);
            // Each reader reads a different number of parts, so one reader's rows on another would show.
            foreach (var part in parts.Take(1 + reader.i % 5))
            {
                await Store.RecordOpenedAsync(reader.key, new PartRef(Series.Slug, part), null, ct);
            }

            await Store.SavePlaceAsync(reader.key, new PartRef(Series.Slug, parts[reader.i % 5]), ct);
        });

        Assert.Equal(50, Count("readers"));
        Assert.Equal(150, Count("part_progress"));
        for (var i = 0; i < keys.Length; i++)
        {
            var progress = await Store.FindAsync(keys[i]);
            Assert.Equal(parts.Take(1 + i % 5).Order(), progress!.Parts.Select(s => s.Part.Part).Order());
            Assert.Equal(parts[i % 5], progress.SavedPlace!.Part.Part);
        }
    }
}
