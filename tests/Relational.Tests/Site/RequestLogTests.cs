using System.Text.Json;
using Relational.Tests.Fixtures;
using Relational.Tests.Sites;

namespace Relational.Tests.Site;

/// <summary>
/// Which requests the log records, and the real process's console under a burst of readers, as an
/// operator reads it after stopping the site: with every request switched on, one whole JSON line
/// for every request, none dropped, none cut short.
/// </summary>
public sealed class RequestLogTests : IDisposable
{
    /// <summary>The level that writes a line for every request (Debug), or only for problems (the default).</summary>
    public const string EveryRequestSetting = "Serilog:MinimumLevel:Override:" + Relational.Site.SiteExtensions.RequestLogSource;

    private const string PartRoute = "/{article:slug}/{part:slug}";
    private readonly ScratchFolder _folder = new("relational-request-log-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_site_stopping_in_the_same_process_leaves_another_sites_log_alone()
    {
        // The tests host many sites in one process: each must keep writing its own lines.
        var first = new LiveSite();
        var second = new LiveSite();
        try
        {
            _ = first.Address;
            _ = second.Address;
            first.Dispose();

            using var client = second.CreateLiveClient();
            using var response = await client.GetAsync(Series.Url + "/no-such-part");
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);

            // The line is written after the answer, through a background batch: wait for it (bounded),
            // with the site still running.
            for (var waited = 0; waited < 10_000 && !second.Log.Text.Contains("\"StatusCode\":404", StringComparison.Ordinal); waited += 50)
            {
                await Task.Delay(50);
            }

            Assert.Contains("\"StatusCode\":404", second.Log.Text, StringComparison.Ordinal);
        }
        finally
        {
            first.Dispose();
            second.Dispose();
        }

        Assert.DoesNotContain("\"StatusCode\":404", first.Log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_request_in_a_burst_gets_one_whole_line_by_the_time_the_site_stops()
    {
        const int Requests = 3_000;
        using var site = new SiteProcess(_folder.File("progress.db"), (EveryRequestSetting.Replace(":", "__", StringComparison.Ordinal), "Debug"));
        await site.WaitUntilReadyAsync();
        using var client = TestReader.SharedClient(site.Address);
        var url = TestReader.Article.PartUrl(TestReader.Article.Parts[1]);

        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= Requests)
            {
                using var response = await client.GetAsync(url);
                response.EnsureSuccessStatusCode();
            }
        })));
        await site.StopAsync();

        var lines = site.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var partLines = 0;
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            Assert.False(root.GetProperty("@mt").GetString()!.Contains("dropped", StringComparison.Ordinal), line);
            if (root.TryGetProperty("RouteTemplate", out var route) && route.GetString() == PartRoute)
            {
                Assert.Equal(200, root.GetProperty("StatusCode").GetInt32());
                partLines++;
            }
        }

        Assert.Equal(Requests, partLines);
    }

    [Fact]
    public async Task By_default_a_page_read_leaves_no_line_and_a_missing_page_leaves_one()
    {
        using var site = new SiteProcess(_folder.File("progress.db"));
        await site.WaitUntilReadyAsync();
        using var client = TestReader.SharedClient(site.Address);
        var part = TestReader.Article.PartUrl(TestReader.Article.Parts[1]);
        using (var read = await client.GetAsync(part))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, read.StatusCode);
        }

        using (var missing = await client.GetAsync("/no-such-article-here"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        }

        await site.StopAsync();

        var requestLines = site.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.Contains("\"StatusCode\":", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(requestLines);
        Assert.Contains("\"StatusCode\":404", line, StringComparison.Ordinal);
    }
}
