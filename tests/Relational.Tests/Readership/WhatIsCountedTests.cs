using Relational.Readership;

namespace Relational.Tests.Readership;

/// <summary>
/// What the site tells readers it counts is what the code counts: every measure has its words on
/// /staying-safe, and the page names what is never kept beside a count. The footer and the progress
/// page point there.
/// </summary>
public sealed class WhatIsCountedTests : IDisposable
{
    private static readonly Dictionary<Measure, string> SaidAs = new()
    {
        [Measure.Views] = "how many times each part, the cover, the whole article on one page",
        [Measure.NeutralAddressViews] = "each neutral /read/ address is opened",
        [Measure.CrawlerViews] = "search engines and other known robots are counted apart",
        [Measure.ProgressOptIns] = "ask the site to remember their place",
        [Measure.ResumeLinksMade] = "make a resume link",
        [Measure.ResumeLinksUsed] = "use a resume link",
        [Measure.OfflineCopiesMade] = "keep an offline copy",
        [Measure.OfflineCopiesRemoved] = "or remove one",
        [Measure.FeedFetches] = "how often the series’ feed is fetched",
    };

    private readonly SiteFactory _site = new();

    public void Dispose() => _site.Dispose();

    [Fact]
    public async Task Staying_safe_names_every_measure_counted_and_what_is_never_kept_with_it()
    {
        using var client = _site.CreateClient();
        var page = await Html.ParseAsync(await client.GetStringAsync("/staying-safe"));
        var heading = page.QuerySelector("h2#counted");
        Assert.NotNull(heading);
        var said = string.Join(" ", page.QuerySelectorAll("h2#counted ~ *").TakeWhile(e => e.TagName != "H2").Select(e => e.TextContent));
        said = System.Text.RegularExpressions.Regex.Replace(said, @"\s+", " ");

        Assert.Equal(Enum.GetValues<Measure>().Order(), SaidAs.Keys.Order());
        foreach (var (measure, words) in SaidAs)
        {
            Assert.True(said.Contains(words, StringComparison.Ordinal), $"{measure} is not said as “{words}”: {said}");
        }

        foreach (var never in new[] { "IP address", "your browser", "the page you came from", "your cookie", "the time of day", "Counts below 5 are not shown" })
        {
            Assert.Contains(never, said, StringComparison.Ordinal);
        }

        foreach (var path in new[] { "/", "/progress" })
        {
            var other = await Html.ParseAsync(await client.GetStringAsync(path));
            Assert.NotNull(other.QuerySelector("a[href='/staying-safe#counted']"));
        }
    }
}
