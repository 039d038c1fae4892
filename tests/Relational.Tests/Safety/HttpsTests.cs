using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Relational.Tests.Fixtures;
using Relational.Tests.Progress;

namespace Relational.Tests.Safety;

/// <summary>
/// The site on real Kestrel over TLS, with a throwaway self-signed certificate made by the test for
/// 127.0.0.1 (the client trusts that certificate alone).
/// </summary>
public sealed class HttpsSite : SiteFactory
{
    private Uri? _address;

    public HttpsSite()
    {
        Certificate = SelfSigned();
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(Certificate)));
    }

    public X509Certificate2 Certificate { get; }

    public Uri Address => _address ??= Start();

    public HttpClient CreateTlsClient() => new(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, presented, _, _) =>
                presented is not null && presented.GetCertHashString() == Certificate.GetCertHashString(),
        },
    })
    {
        BaseAddress = Address,
    };

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Certificate.Dispose();
        }
    }

    private Uri Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        return new Uri(addresses.Addresses.Single());
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Through PKCS#12 so that the private key is one TLS can use on every platform.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }
}

/// <summary>
/// Under HTTPS the reader cookie is sent with <c>Secure</c>, so a browser never sends it over plain
/// HTTP where the network could read it: over TLS itself, and over HTTPS ended at a named proxy.
/// </summary>
public sealed class HttpsTests
{
    [Fact]
    public async Task Over_HTTPS_the_reader_cookie_is_Secure_when_set_and_when_expired()
    {
        using var site = new HttpsSite();
        using var client = site.CreateTlsClient();

        using var optIn = await client.PostFormAsync("/progress/remember", Forms.Place());
        Assert.Equal(HttpStatusCode.SeeOther, optIn.StatusCode);
        var set = Assert.Single(optIn.Headers.GetValues("Set-Cookie"));
        Assert.Equal(["httponly", "path=/", "samesite=lax", "secure"], Flags(set));

        using var forget = new HttpRequestMessage(HttpMethod.Post, "/progress/forget") { Content = new FormUrlEncodedContent([]) };
        forget.Headers.Add("Sec-Fetch-Site", "same-origin");
        forget.Headers.Add("Cookie", set.Split(';')[0]);
        using var forgotten = await client.SendAsync(forget);
        var expired = Assert.Single(forgotten.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("relational-reader=;", expired, StringComparison.Ordinal);
        Assert.Contains("secure", Flags(expired));
    }

    [Fact]
    public async Task Over_HTTPS_every_response_says_to_keep_to_HTTPS()
    {
        using var site = new HttpsSite();
        using var client = site.CreateTlsClient();

        using var page = await client.GetAsync(Series.Url);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("max-age=31536000", SafetyAssert.Reader(page)("Strict-Transport-Security"));
        SafetyAssert.Headers(SafetyAssert.Reader(page));
    }

    [Fact]
    public async Task Over_plain_HTTP_the_cookie_is_not_Secure_or_the_browser_would_not_keep_it()
    {
        using var site = new SiteFactory();
        using var client = site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

        using var optIn = await client.PostFormAsync("/progress/remember", Forms.Place());

        Assert.Equal(HttpStatusCode.SeeOther, optIn.StatusCode);
        Assert.DoesNotContain("secure", Flags(Assert.Single(optIn.Headers.GetValues("Set-Cookie"))));
    }

    [Fact]
    public async Task Behind_a_named_proxy_that_ended_HTTPS_the_reader_cookie_is_Secure()
    {
        var proxy = IPAddress.Loopback;
        using var site = new LiveSite();
        site.With("Safety:TrustedProxies:0", proxy.ToString());
        const string body = "article=" + Series.Slug;
        var request =
            $"POST /progress/remember HTTP/1.1\r\nHost: 127.0.0.1:{site.Port}\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
            $"Sec-Fetch-Site: same-origin\r\nX-Forwarded-For: 198.51.100.7\r\nX-Forwarded-Proto: https\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";

        var response = await site.SendRawAsync(request, proxy);

        Assert.Equal(303, response.Status);
        Assert.Contains("secure", Flags(Assert.Single(response.All("Set-Cookie"))));
    }

    [Theory]
    [InlineData("")] // a proxy that forwards nothing about the scheme
    [InlineData("X-Forwarded-Proto: http\r\n")] // or says plain HTTP
    public async Task With_an_https_public_origin_the_cookie_is_Secure_and_HSTS_is_sent_whatever_the_proxy_forwards(string forwardedProto)
    {
        // Not a trusted proxy: whatever it says, the public origin decides.
        var proxy = IPAddress.Parse("127.0.0.2");
        using var site = new LiveSite();
        site.With("Site:PublicOrigin", "https://reading.example.org");
        const string body = "article=" + Series.Slug;
        var optIn =
            $"POST /progress/remember HTTP/1.1\r\nHost: reading.example.org\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
            $"Sec-Fetch-Site: same-origin\r\n{forwardedProto}Content-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        var page = $"GET {Series.Url} HTTP/1.1\r\nHost: reading.example.org\r\n{forwardedProto}Connection: close\r\n\r\n";

        var response = await site.SendRawAsync(optIn, proxy);
        var read = await site.SendRawAsync(page, proxy);

        Assert.Equal(303, response.Status);
        Assert.Contains("secure", Flags(Assert.Single(response.All("Set-Cookie"))));
        Assert.Equal(200, read.Status);
        Assert.Equal("max-age=31536000", read.Header("Strict-Transport-Security"));
    }

    /// <summary>A Set-Cookie header's attributes without values, and path, lower case and sorted (max-age and expires left out).</summary>
    private static List<string> Flags(string setCookie) =>
        [.. setCookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant())
            .Where(a => !a.StartsWith("max-age=", StringComparison.Ordinal) && !a.StartsWith("expires=", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
}
