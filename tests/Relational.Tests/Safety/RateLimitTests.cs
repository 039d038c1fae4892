using System.Net;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Safety;

/// <summary>A client that sends too many forms is asked, calmly, to wait; reading is never limited.</summary>
public sealed class RateLimitTests
{
    private static string Post(int port) =>
        $"POST {HostileRequests.FormPath} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
        "Sec-Fetch-Site: same-origin\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=1";

    private static string Get(int port) =>
        $"GET {Series.Url} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n";

    [Fact]
    public async Task Posts_beyond_the_limit_get_429_with_Retry_After_and_the_calm_page()
    {
        using var site = new LiveSite();
        site.With("Safety:PostsPerWindow", "3").With("Safety:PostWindowSeconds", "60");

        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await site.SendRawAsync(Post(site.Port))).Status);
        }

        var limited = await site.SendRawAsync(Post(site.Port));

        Assert.DoesNotContain(429, statuses);
        Assert.Equal(429, limited.Status);
        var retryAfter = int.Parse(limited.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        var page = await Html.ParseAsync(limited.Body);
        Assert.Contains("slow down", page.QuerySelector("h1")!.TextContent, StringComparison.OrdinalIgnoreCase);
        SafetyAssert.Headers(limited.Header);
    }

    [Fact]
    public async Task Reading_is_never_limited()
    {
        using var site = new LiveSite();
        site.With("Safety:PostsPerWindow", "1");

        _ = await site.SendRawAsync(Post(site.Port));
        Assert.Equal(429, (await site.SendRawAsync(Post(site.Port))).Status);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(200, (await site.SendRawAsync(Get(site.Port))).Status);
        }
    }

    [Fact]
    public async Task Each_client_has_its_own_allowance()
    {
        using var site = new LiveSite();
        site.With("Safety:PostsPerWindow", "2");
        var first = IPAddress.Parse("127.0.0.1");
        var second = IPAddress.Parse("127.0.0.2");

        for (var i = 0; i < 3; i++)
        {
            _ = await site.SendRawAsync(Post(site.Port), first);
        }

        Assert.Equal(429, (await site.SendRawAsync(Post(site.Port), first)).Status);
        Assert.NotEqual(429, (await site.SendRawAsync(Post(site.Port), second)).Status);
    }

    private static string PostFrom(int port, string forwardedFor) =>
        $"POST {HostileRequests.FormPath} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
        $"Sec-Fetch-Site: same-origin\r\nX-Forwarded-For: {forwardedFor}\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=1";

    /// <summary>
    /// One IPv6 host has a whole /64 to send from: every address in it shares one allowance, and
    /// another /64 has its own. The client addresses come through a named proxy, the only way a
    /// test on loopback can send from many IPv6 addresses.
    /// </summary>
    [Fact]
    public async Task An_IPv6_client_is_limited_per_64_not_per_address()
    {
        using var site = new LiveSite();
        site.With("Safety:PostsPerWindow", "2").With("Safety:TrustedProxies:0", "127.0.0.1");

        Assert.NotEqual(429, (await site.SendRawAsync(PostFrom(site.Port, "2001:db8:aa:bb::1"))).Status);
        Assert.NotEqual(429, (await site.SendRawAsync(PostFrom(site.Port, "2001:db8:aa:bb:ffff:1:2:3"))).Status);
        Assert.Equal(429, (await site.SendRawAsync(PostFrom(site.Port, "2001:db8:aa:bb:1234::9"))).Status);
        Assert.NotEqual(429, (await site.SendRawAsync(PostFrom(site.Port, "2001:db8:aa:bc::1"))).Status);
    }

    [Fact]
    public async Task IPv4_clients_written_as_IPv6_each_keep_their_own_allowance()
    {
        using var site = new LiveSite();
        site.With("Safety:PostsPerWindow", "1").With("Safety:TrustedProxies:0", "127.0.0.1");

        Assert.NotEqual(429, (await site.SendRawAsync(PostFrom(site.Port, "::ffff:198.51.100.1"))).Status);
        Assert.Equal(429, (await site.SendRawAsync(PostFrom(site.Port, "198.51.100.1"))).Status);
        Assert.NotEqual(429, (await site.SendRawAsync(PostFrom(site.Port, "::ffff:198.51.100.2"))).Status);
    }
}
