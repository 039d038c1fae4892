using Relational.Safety;

namespace Relational.Tests.Safety;

public static class SafetyAssert
{
    /// <summary>The protective headers every response must carry, and no server banner.</summary>
    public static void Headers(Func<string, string?> header)
    {
        var csp = header("Content-Security-Policy");
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, csp);
        Assert.DoesNotContain("unsafe-", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("base-uri 'none'", csp);
        Assert.Contains("form-action 'self'", csp);
        Assert.Equal("same-origin", header("Referrer-Policy"));
        Assert.Equal("nosniff", header("X-Content-Type-Options"));
        Assert.Equal("same-origin", header("Cross-Origin-Opener-Policy"));
        Assert.Equal("same-origin", header("Cross-Origin-Resource-Policy"));
        var permissions = header("Permissions-Policy") ?? "";
        foreach (var feature in new[] { "camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()", "browsing-topics=()" })
        {
            Assert.Contains(feature, permissions);
        }

        Assert.Null(header("Server"));
    }

    public static Func<string, string?> Reader(HttpResponseMessage response) => name =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}
