using System.Net;
using System.Text.RegularExpressions;
using Relational.Tests.Progress;
using Relational.Tests.Sites;

namespace Relational.Tests.Site;

/// <summary>
/// The site started with the environment the repository ships (the Dockerfile's <c>ENV</c>, the
/// systemd unit's <c>Environment=</c> lines, read from the files themselves), as its own process:
/// as shipped it refuses to start until the operator gives the public origin, saying so in one
/// sentence; given it, every page is kept in memory whatever Host the proxy passes on, and behind a
/// proxy on the same machine HTTPS and each reader's own POST allowance hold without more settings.
/// </summary>
public sealed partial class ShippedConfigurationTests : IDisposable
{
    private const string Origin = "https://reading.example.org";
    private static readonly string Part = Series.PartUrl(6);

    private readonly SiteProcesses _sites = new();

    public void Dispose() => _sites.Dispose();

    [Fact]
    public async Task The_image_as_shipped_refuses_to_start_until_it_is_given_its_public_origin()
    {
        using var site = Start(ImageEnvironment());

        Assert.Equal(1, await site.ExitCodeAsync());
        Assert.Equal(
            $"Site:PublicOrigin (environment: Site__PublicOrigin) must be set in Production to the address readers use, for example {Origin}; the site did not start.",
            site.Errors.Trim());
    }

    [Fact]
    public async Task The_unit_as_shipped_refuses_to_start_until_its_public_origin_is_filled_in()
    {
        using var site = Start(UnitEnvironment());

        Assert.Equal(1, await site.ExitCodeAsync());
        Assert.StartsWith("Site:PublicOrigin (environment: Site__PublicOrigin) must be set in Production", site.Errors.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_image_given_its_public_origin_keeps_every_page_whatever_Host_the_proxy_passes_on()
    {
        using var site = Start([.. ImageEnvironment(), ("Site__PublicOrigin", Origin)]);
        await site.WaitUntilReadyAsync();

        foreach (var host in new[] { "reading.example.org", $"127.0.0.1:{site.Port}", "site-1:8080" })
        {
            using var client = Client(site, host);
            using var first = await client.GetAsync(Part);
            using var second = await client.GetAsync(Part);

            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.NotNull(second.Headers.ETag);
            Assert.True(second.Headers.Age is not null, $"the part was not kept for Host {host}");
        }

        Assert.DoesNotContain("\"@l\":\"Warning\"", site.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_unit_filled_in_behind_nginx_on_the_same_machine_sends_HTTPS_headers_and_counts_each_reader()
    {
        // nginx passes Host and X-Forwarded-For; whether it passes X-Forwarded-Proto makes no difference.
        using var site = Start([.. UnitEnvironment(), ("Site__PublicOrigin", Origin), ("Safety__PostsPerWindow", "2")]);
        await site.WaitUntilReadyAsync();

        using var page = await Client(site, "reading.example.org", forwardedFor: "198.51.100.1").GetAsync(Part);
        Assert.Equal("max-age=31536000", Assert.Single(page.Headers.GetValues("Strict-Transport-Security")));

        using var optIn = await Client(site, "reading.example.org", forwardedFor: "198.51.100.1").PostFormAsync("/progress/remember", Forms.Place());
        Assert.Equal(HttpStatusCode.SeeOther, optIn.StatusCode);
        Assert.Contains("secure", Assert.Single(optIn.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);

        // The first reader has used one of their two; a second and a third reader have their own.
        using var firstAgain = await Client(site, "reading.example.org", forwardedFor: "198.51.100.1").PostFormAsync("/progress/finished");
        using var firstOver = await Client(site, "reading.example.org", forwardedFor: "198.51.100.1").PostFormAsync("/progress/finished");
        Assert.Equal(HttpStatusCode.TooManyRequests, firstOver.StatusCode);
        foreach (var reader in new[] { "198.51.100.2", "198.51.100.3" })
        {
            for (var i = 0; i < 2; i++)
            {
                using var post = await Client(site, "reading.example.org", forwardedFor: reader).PostFormAsync("/progress/finished");
                Assert.NotEqual(HttpStatusCode.TooManyRequests, post.StatusCode);
            }
        }
    }

    private SiteProcess Start((string Key, string Value)[] environment) => _sites.Start([], [("Site__PublicOrigin", ""), .. environment]);

    private static HttpClient Client(SiteProcess site, string host, string? forwardedFor = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = site.Address };
        client.DefaultRequestHeaders.Host = host;
        if (forwardedFor is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }

        return client;
    }

    /// <summary>The Dockerfile's <c>ENV</c> settings, but for the port and the paths inside the image.</summary>
    private static (string Key, string Value)[] ImageEnvironment()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Paths.RepositoryRoot, "Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal);
        var env = dockerfile.Split('\n').Where(line => line.StartsWith("ENV ", StringComparison.Ordinal)).SelectMany(line => line[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var settings = env.Select(pair => pair.Split('=', 2)).Select(pair => (Key: pair[0], Value: pair[1])).ToArray();
        Assert.Contains(settings, setting => setting.Key == "ASPNETCORE_HTTP_PORTS");
        return [.. settings.Where(setting => !IsPlace(setting.Key) && setting.Key != "ASPNETCORE_HTTP_PORTS")];
    }

    /// <summary>The unit's <c>Environment=</c> lines, but for its address and paths on the server.</summary>
    private static (string Key, string Value)[] UnitEnvironment()
    {
        var unit = File.ReadAllLines(Path.Combine(Paths.RepositoryRoot, "deploy", "relational.service"));
        var settings = unit.Select(line => UnitSetting().Match(line)).Where(match => match.Success)
            .Select(match => (Key: match.Groups["key"].Value, Value: match.Groups["value"].Value)).ToArray();
        Assert.Contains(settings, setting => setting.Key == "ASPNETCORE_ENVIRONMENT");
        return [.. settings.Where(setting => !IsPlace(setting.Key) && setting.Key != "ASPNETCORE_URLS")];
    }

    // Where the files are on the image or the server: this machine's test folders instead.
    private static bool IsPlace(string key) => key is "Content__Path" or "Progress__DatabasePath";

    [GeneratedRegex("^Environment=(?<key>[^=]+)=(?<value>.*)$")]
    private static partial Regex UnitSetting();
}
