using System.Diagnostics;
using System.Text.Json;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Safety;

/// <summary>
/// Real Chromium opens the site's pages and records every network request it makes (its net
/// log): every request a page causes goes to the site itself. Chromium's own background calls,
/// which no page caused, carry no page origin as initiator and are left aside.
/// </summary>
public sealed class BrowserRequestTests(LiveSite site) : IClassFixture<LiveSite>
{
    [Theory]
    [InlineData("/")]
    [InlineData(Series.Url)]
    [InlineData(Series.Url + "/safety-is-built-not-assumed")]
    [InlineData(Series.WholeUrl)]
    [InlineData("/progress")]
    [InlineData("/staying-safe")]
    public async Task A_page_makes_no_request_to_another_origin(string path)
    {
        var origin = site.Address.GetLeftPart(UriPartial.Authority);
        var requests = await RequestsMadeByAsync(new Uri(site.Address, path));

        // The page's own stylesheet is among the requests it caused: the filter below sees the page's requests.
        Assert.Contains(requests, r => r.Initiator == origin && r.Url.EndsWith(".css", StringComparison.Ordinal));
        Assert.All(requests.Where(r => r.Initiator == origin), r =>
            Assert.StartsWith(origin + "/", r.Url, StringComparison.Ordinal));
    }

    private static async Task<List<(string Url, string Initiator)>> RequestsMadeByAsync(Uri page)
    {
        using var scratch = new ScratchFolder("relational-chromium-");
        var folder = scratch.Root;
        var netLog = Path.Combine(folder, "netlog.json");
        using var chromium = Process.Start(new ProcessStartInfo("/usr/bin/chromium",
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            $"--user-data-dir={Path.Combine(folder, "profile")}", $"--log-net-log={netLog}",
            "--virtual-time-budget=3000", "--dump-dom", page.ToString(),
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        _ = chromium.StandardError.ReadToEndAsync();
        await chromium.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await chromium.WaitForExitAsync(timeout.Token);

        using var log = JsonDocument.Parse(await File.ReadAllTextAsync(netLog));
        var requests = new List<(string, string)>();
        foreach (var entry in log.RootElement.GetProperty("events").EnumerateArray())
        {
            if (entry.TryGetProperty("params", out var parameters)
                && parameters.ValueKind == JsonValueKind.Object
                && parameters.TryGetProperty("url", out var url))
            {
                var initiator = parameters.TryGetProperty("initiator", out var by) ? by.GetString() ?? "" : "";
                requests.Add((url.GetString()!, initiator));
            }
        }

        return requests;
    }
}
