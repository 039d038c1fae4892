using System.Net;
using System.Net.Sockets;
using Relational.Tests.Sites;

namespace Relational.Tests.Site;

/// <summary>
/// The health of the running site as an operator or a container asks it: <c>--healthcheck</c>
/// finds the site wherever the host was told to listen and says why when it fails, and
/// <c>/healthz</c> tells a site that reads well but cannot store progress (Degraded, still a 200 so
/// the instance stays in rotation) from a healthy one, with a Warning in the log from start-up.
/// </summary>
public sealed class HealthTests : IDisposable
{
    private readonly SiteProcesses _sites = new();

    public void Dispose() => _sites.Dispose();

    [Fact]
    public async Task The_probe_finds_a_site_told_its_address_by_ASPNETCORE_URLS()
    {
        // As the README's service does it: ASPNETCORE_URLS, no ASPNETCORE_HTTP_PORTS.
        using var site = Start();
        await site.WaitUntilReadyAsync();

        using var probe = Probe(site.Port);

        Assert.Equal(0, await probe.ExitCodeAsync());
        Assert.Empty(probe.Output.Trim());
    }

    [Fact]
    public async Task The_probe_says_why_it_failed_when_nothing_answers()
    {
        var port = FreePort();

        using var probe = Probe(port);

        Assert.Equal(1, await probe.ExitCodeAsync());
        Assert.StartsWith($"Nothing answered at http://127.0.0.1:{port}/healthz", probe.Errors.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task While_PostgreSQL_cannot_be_reached_the_site_serves_pages_and_health_says_Degraded_with_a_warning_from_start_up()
    {
        // A wrong port: nothing listens there.
        using var site = Start(
            ("Progress__Store", "PostgreSql"),
            ("ConnectionStrings__Progress", $"Host=127.0.0.1;Port={FreePort()};Database=relational;Username=relational;Password=hunter2"));
        await site.WaitUntilReadyAsync();
        using var client = new HttpClient { BaseAddress = site.Address };

        var health = await client.GetAsync("/healthz");
        using var page = await client.GetAsync("/" + Series.Slug);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Degraded", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await WaitForAsync(() => site.Output.Contains("Reading progress store cannot be reached", StringComparison.Ordinal));
        var warnings = site.Output.Split('\n').Where(line => line.Contains("Reading progress store cannot be reached", StringComparison.Ordinal)).ToList();
        Assert.Contains("\"@l\":\"Warning\"", Assert.Single(warnings), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", site.Output, StringComparison.Ordinal);

        // The probe passes (the instance stays in rotation) and says what it heard.
        using var probe = Probe(site.Port);
        Assert.Equal(0, await probe.ExitCodeAsync());
        Assert.Contains("answered Degraded", probe.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_its_store_working_the_site_is_Healthy_and_warns_of_nothing()
    {
        using var site = Start();
        await site.WaitUntilReadyAsync();
        using var client = new HttpClient { BaseAddress = site.Address };

        Assert.Equal("Healthy", await client.GetStringAsync("/healthz"));
        Assert.DoesNotContain("\"@l\":\"Warning\"", site.Output, StringComparison.Ordinal);
    }

    private SiteProcess Start(params (string Key, string Value)[] settings) => _sites.Start([], settings);

    /// <summary><c>--healthcheck</c> with <c>ASPNETCORE_URLS=http://127.0.0.1:port</c> (the container's port variable left out).</summary>
    private SiteProcess Probe(int port) => _sites.Start(["--healthcheck"], [("ASPNETCORE_HTTP_PORTS", "")], port);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(100);
        }
    }
}
