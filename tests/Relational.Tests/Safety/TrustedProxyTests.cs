using System.Net;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Safety;

/// <summary>
/// Behind a reverse proxy every request comes from the proxy's address. A proxy on this machine
/// (127.0.0.1), or one the operator names (<c>Safety:TrustedProxies</c>), is believed: the POST
/// limit counts each reader it forwards, and HTTPS ended at the proxy is treated as HTTPS; from
/// anyone else the same headers change nothing.
/// </summary>
public sealed class TrustedProxyTests
{
    private static readonly IPAddress Proxy = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.2");

    private static string Post(int port, string forwardedFor) =>
        $"POST {HostileRequests.FormPath} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
        $"Sec-Fetch-Site: same-origin\r\nX-Forwarded-For: {forwardedFor}\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=1";

    private static string GetOverHttps(int port) =>
        $"GET {Series.Url} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n";

    [Fact]
    public async Task Through_a_trusted_proxy_each_reader_has_their_own_allowance()
    {
        using var site = new LiveSite();
        site.With("Safety:PostsPerWindow", "2").With("Safety:TrustedProxies:0", Proxy.ToString());

        for (var i = 0; i < 2; i++)
        {
            Assert.NotEqual(429, (await site.SendRawAsync(Post(site.Port, "198.51.100.1"), Proxy)).Status);
        }

        Assert.Equal(429, (await site.SendRawAsync(Post(site.Port, "198.51.100.1"), Proxy)).Status);
        Assert.NotEqual(429, (await site.SendRawAsync(Post(site.Port, "198.51.100.2"), Proxy)).Status);
        // A reader cannot buy a fresh allowance by writing their own address in front of the proxy's.
        Assert.Equal(429, (await site.SendRawAsync(Post(site.Port, "203.0.113.9, 198.51.100.1"), Proxy)).Status);
    }

    [Fact]
    public async Task A_proxy_on_this_machine_is_believed_without_being_named()
    {
        // nginx on the same host, as deploy/relational.service and deploy/nginx.conf set it up.
        using var site = new LiveSite();
        site.With("Safety:PostsPerWindow", "2");

        for (var i = 0; i < 2; i++)
        {
            Assert.NotEqual(429, (await site.SendRawAsync(Post(site.Port, "198.51.100.1"), Proxy)).Status);
        }

        Assert.Equal(429, (await site.SendRawAsync(Post(site.Port, "198.51.100.1"), Proxy)).Status);
        Assert.NotEqual(429, (await site.SendRawAsync(Post(site.Port, "198.51.100.2"), Proxy)).Status);
        Assert.NotEqual(429, (await site.SendRawAsync(Post(site.Port, "198.51.100.3"), Proxy)).Status);
        Assert.Equal("max-age=31536000", (await site.SendRawAsync(GetOverHttps(site.Port), Proxy)).Header("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData(true)] // a proxy is named, and the request comes from another address
    [InlineData(false)] // no proxy is named, and the request comes from another address than this machine's own
    public async Task Forwarded_headers_not_from_a_named_proxy_change_nothing(bool proxyNamed)
    {
        using var site = new LiveSite();
        site.With("Safety:PostsPerWindow", "2");
        if (proxyNamed)
        {
            site.With("Safety:TrustedProxies:0", "127.0.0.3");
        }

        var from = Stranger;
        for (var i = 0; i < 2; i++)
        {
            _ = await site.SendRawAsync(Post(site.Port, $"198.51.100.{i + 10}"), from);
        }

        Assert.Equal(429, (await site.SendRawAsync(Post(site.Port, "198.51.100.99"), from)).Status);
        Assert.Null((await site.SendRawAsync(GetOverHttps(site.Port), from)).Header("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Https_ended_at_a_trusted_proxy_gets_the_HSTS_header()
    {
        using var site = new LiveSite();
        site.With("Safety:TrustedProxies:0", Proxy.ToString());

        var page = await site.SendRawAsync(GetOverHttps(site.Port), Proxy);

        Assert.Equal(200, page.Status);
        Assert.Equal("max-age=31536000", page.Header("Strict-Transport-Security"));
    }

    [Fact]
    public void A_proxy_that_is_not_an_address_stops_the_site_at_start_with_a_clear_message()
    {
        using var site = new SiteFactory().With("Safety:TrustedProxies:0", "proxy.example");

        var failure = Assert.ThrowsAny<Exception>(() => site.CreateClient());

        Assert.Contains("Safety:TrustedProxies must list IP addresses", failure.ToString(), StringComparison.Ordinal);
    }
}
