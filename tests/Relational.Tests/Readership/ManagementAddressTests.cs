using System.Net;
using Relational.Tests.Progress;
using Relational.Tests.Sites;

namespace Relational.Tests.Readership;

/// <summary>
/// The site run as the operator runs it, with its management address on a port of its own: the
/// figures are there and only there, drawn and tabled, small counts hidden; the public address
/// does not know them; and the counts of the last seconds are written when the site stops.
/// </summary>
public sealed class ManagementAddressTests : IDisposable
{
    private readonly ScratchFolder _folder = new("relational-management-");

    public void Dispose() => _folder.Dispose();

    private string DatabasePath => _folder.File("progress.db");

    [Fact]
    public async Task A_SIGKILL_loses_no_count_made_more_than_a_flush_interval_before_it()
    {
        using (var site = new SiteProcess(DatabasePath, ("Readership__FlushInterval", "00:00:01")))
        {
            await site.WaitUntilReadyAsync();
            using var reader = new HttpClient { BaseAddress = site.Address };
            for (var i = 0; i < 6; i++)
            {
                using var view = await reader.GetAsync(Series.PartUrl(4));
                Assert.Equal(HttpStatusCode.OK, view.StatusCode);
            }

            // Two intervals and a little: whatever a timer tick on a busy machine takes.
            await Task.Delay(TimeSpan.FromSeconds(2.5));
            site.Kill();
        }

        Assert.Equal(6L, Database.Scalar(DatabasePath, $"SELECT count FROM readership_daily WHERE part = '{Series.PartSlug(4)}' AND measure = 'views'"));
    }

    [Fact]
    public async Task The_figures_are_on_the_management_address_only_written_at_stop_and_small_counts_are_not_shown()
    {
        // A flush interval far longer than the test: whatever is stored was written at the stop.
        using (var site = new SiteProcess(DatabasePath, ("Readership__FlushInterval", "01:00:00")))
        {
            await site.WaitUntilReadyAsync();
            using var reader = new HttpClient { BaseAddress = site.Address };
            foreach (var (part, times) in new[] { (1, 8), (2, 3) })
            {
                for (var i = 0; i < times; i++)
                {
                    using var view = await reader.GetAsync(Series.PartUrl(part));
                    Assert.Equal(HttpStatusCode.OK, view.StatusCode);
                }
            }

            foreach (var path in new[] { "/readership", "/readership.csv", "/readership?from=2026-01-01" })
            {
                using var refused = await reader.GetAsync(path);
                Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            }

            await site.StopAsync();
        }

        Assert.Equal(8L, Database.Scalar(DatabasePath, $"SELECT count FROM readership_daily WHERE part = '{Series.PartSlug(1)}' AND measure = 'views'"));

        using var again = new SiteProcess(DatabasePath);
        await again.WaitUntilReadyAsync();
        using var publisher = new HttpClient { BaseAddress = again.ManagementAddress };

        using var page = await publisher.GetAsync("/readership");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var document = await Html.ParseAsync(await page.Content.ReadAsStringAsync());
        Assert.Equal(2, document.QuerySelectorAll("svg[role=img] title").Length);
        Assert.Empty(document.QuerySelectorAll("script"));
        var rows = document.QuerySelectorAll("table tr").ToDictionary(r => r.QuerySelector("th")!.TextContent.Trim(), r => r.QuerySelector("td")?.TextContent.Trim());
        Assert.Equal("8", rows[$"Part 1: {Series.Parts[0].Title}"]);
        Assert.Equal("fewer than 5", rows[$"Part 2: {Series.Parts[1].Title}"]);
        Assert.Equal("fewer than 5", rows[$"Part 3: {Series.Parts[2].Title}"]);
        var chart = document.QuerySelector("svg")!.TextContent;
        Assert.Contains("fewer than 5", chart, StringComparison.Ordinal);
        Assert.DoesNotContain(">3<", document.QuerySelector("svg")!.InnerHtml, StringComparison.Ordinal);

        using var csv = await publisher.GetAsync("/readership.csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var today = ReadershipTesting.Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("day,article,part,measure,count", lines[0]);
        Assert.Contains($"{today},{Series.Slug},{Series.PartSlug(1)},views,8", lines);
        Assert.Contains($"{today},{Series.Slug},{Series.PartSlug(2)},views,fewer than 5", lines);

        // No reader's page there, and a malformed period is the publisher's mistake, said plainly.
        foreach (var (path, status) in new[] { ("/", HttpStatusCode.NotFound), (Series.PartUrl(1), HttpStatusCode.NotFound), ("/readership?from=yesterday", HttpStatusCode.BadRequest) })
        {
            using var response = await publisher.GetAsync(path);
            Assert.Equal(status, response.StatusCode);
        }
    }
}
