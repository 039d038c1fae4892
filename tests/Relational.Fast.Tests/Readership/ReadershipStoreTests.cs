using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Relational.Progress;
using Relational.Readership;
using Relational.Site;
using Relational.Tests.Progress;

namespace Relational.Tests.Readership;

/// <summary>
/// The counts in memory and in a real SQLite file: a day is the UTC day the count was made, a
/// write adds to what is there, counts the store refuses wait in memory for the next try, and days
/// past the retention are deleted.
/// </summary>
public sealed class ReadershipStoreTests : IDisposable
{
    private static readonly Tally Part = new("an-article", "a-part", Measure.Views);

    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private ReadershipCounts Counts(bool on = true) => new(_temp.Clock, Options.Create(new ReadershipOptions { Counting = on }));

    private ReadershipWriter Writer(ReadershipCounts counts, int retentionDays = 400) => new(
        counts, _temp.Store, Options.Create(new ReadershipOptions { RetentionDays = retentionDays, FlushInterval = TimeSpan.FromSeconds(1) }),
        _temp.Clock, NullLogger<ReadershipWriter>.Instance);

    private async Task<IReadOnlyList<DailyCount>> StoredAsync() => (await _temp.Store.ReadCountsAsync(DateOnly.MinValue, DateOnly.MaxValue))!;

    [Fact]
    public async Task Counts_go_to_the_UTC_day_they_were_made_on_and_each_write_adds_to_the_stored_rows()
    {
        var counts = Counts();
        using var writer = Writer(counts);
        _temp.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 1, 23, 59, 59, TimeSpan.Zero));
        counts.Add(Part);
        counts.Add(Part);
        Assert.True(await writer.WriteAsync(CancellationToken.None));
        counts.Add(Part);
        _temp.Clock.Advance(TimeSpan.FromSeconds(2));
        counts.Add(Part);
        counts.Add(Tally.OfSite(Measure.ProgressOptIns));
        Assert.True(await writer.WriteAsync(CancellationToken.None));
        Assert.True(await writer.WriteAsync(CancellationToken.None));

        Assert.Equal(
            [
                new DailyCount(new DateOnly(2026, 3, 1), Part, 3),
                new DailyCount(new DateOnly(2026, 3, 2), Tally.OfSite(Measure.ProgressOptIns), 1),
                new DailyCount(new DateOnly(2026, 3, 2), Part, 1),
            ],
            (await StoredAsync()).OrderBy(c => c.Day).ThenBy(c => c.Tally.Article, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Counts_the_store_refuses_wait_in_memory_and_are_written_when_it_works_again()
    {
        var counts = Counts();
        using var writer = Writer(counts);
        await _temp.Store.RememberAsync(ReaderKey.New());
        SwapFileForFolder(out var restore);
        counts.Add(Part);
        Assert.False(await writer.WriteAsync(CancellationToken.None));
        counts.Add(Part);
        Assert.False(await writer.WriteAsync(CancellationToken.None));

        restore();
        _temp.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await writer.WriteAsync(CancellationToken.None));
        Assert.Equal(2, Assert.Single(await StoredAsync()).Count);
    }

    [Fact]
    public async Task Days_older_than_the_retention_are_deleted_at_start_up()
    {
        var today = DateOnly.FromDateTime(_temp.Clock.GetUtcNow().UtcDateTime);
        await _temp.Store.AddCountsAsync([.. new[] { -401, -400, -1 }.Select(d => new DailyCount(today.AddDays(d), Part, 7))]);
        using var writer = Writer(Counts(), retentionDays: 400);

        await writer.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await StoredAsync()).Count == 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await writer.StopAsync(CancellationToken.None);
        Assert.Equal([today.AddDays(-400), today.AddDays(-1)], (await StoredAsync()).Select(c => c.Day).Order());
    }

    [Fact]
    public async Task With_counting_off_nothing_is_kept()
    {
        var counts = Counts(on: false);
        counts.Add(Part);
        using var writer = Writer(counts);
        Assert.True(await writer.WriteAsync(CancellationToken.None));
        Assert.Empty(await StoredAsync());
    }

    [Fact]
    public async Task Concurrent_counts_add_up_exactly()
    {
        var counts = Counts();
        using var writer = Writer(counts);
        var taking = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await writer.WriteAsync(CancellationToken.None);
            }
        });
        Parallel.For(0, 40_000, i => counts.Add(i % 4 == 0 ? Tally.OfSite(Measure.FeedFetches) : Part));
        await taking;
        await writer.WriteAsync(CancellationToken.None);

        var stored = (await StoredAsync()).ToDictionary(c => c.Tally, c => c.Count);
        Assert.Equal(30_000, stored[Part]);
        Assert.Equal(10_000, stored[Tally.OfSite(Measure.FeedFetches)]);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080", "port 8080")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1", "with a port")]
    [InlineData("http://127.0.0.1:8080", "ftp://127.0.0.1:21", "with a port")]
    public void A_management_address_that_cannot_be_kept_apart_stops_start_up_with_one_sentence(string publicUrl, string management, string said)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("urls", publicUrl), new("Management:Urls", management)]).Build();

        var refused = Assert.Throws<CannotStartException>(() => ManagementAddress.From(configuration, ManagementAddress.PublicUrls(configuration)));

        Assert.Contains(said, refused.Message, StringComparison.Ordinal);
        Assert.EndsWith("the site did not start.", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_public_address_of_the_container_image_is_kept_beside_the_management_one()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("http_ports", "8080"), new("Management:Urls", "http://+:5081")]).Build();

        Assert.Equal(["http://*:8080"], ManagementAddress.PublicUrls(configuration));
        Assert.Equal(["http://+:5081"], ManagementAddress.From(configuration, ManagementAddress.PublicUrls(configuration)).Urls);
    }

    [Theory]
    [InlineData("FlushInterval", "Readership:FlushInterval")]
    [InlineData("RetentionDays", "Readership:RetentionDays")]
    [InlineData("ShownFrom", "Readership:ShownFrom")]
    public void A_setting_out_of_range_is_refused_naming_it(string property, string said)
    {
        var options = new ReadershipOptions();
        typeof(ReadershipOptions).GetProperty(property)!.SetValue(options, property == "FlushInterval" ? TimeSpan.Zero : 0);

        var refused = new ReadershipChecks().Validate(null, options);

        Assert.True(refused.Failed);
        Assert.StartsWith(said, Assert.Single(refused.Failures!), StringComparison.Ordinal);
        Assert.True(new ReadershipChecks().Validate(null, new ReadershipOptions()).Succeeded);
    }

    /// <summary>Puts a folder where the database file was, so every use of it fails; the returned action puts the file back.</summary>
    private void SwapFileForFolder(out Action restore)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var aside = _temp.DatabasePath + ".aside";
        var files = new[] { "", "-wal", "-shm" }.Where(s => File.Exists(_temp.DatabasePath + s)).ToArray();
        foreach (var suffix in files)
        {
            File.Move(_temp.DatabasePath + suffix, aside + suffix);
        }

        Directory.CreateDirectory(_temp.DatabasePath);
        restore = () =>
        {
            Directory.Delete(_temp.DatabasePath);
            foreach (var suffix in files)
            {
                File.Move(aside + suffix, _temp.DatabasePath + suffix);
            }
        };
    }
}
