namespace Relational.Tests.Fixtures;

public static class SafetyAssert
{
    /// <summary>
    /// The Content-Security-Policy the site promises, written out here rather than read from the
    /// site's code, so that loosening the site's policy fails this assertion.
    /// </summary>
    private static readonly Dictionary<string, string[]> PromisedPolicy = new(StringComparer.Ordinal)
    {
        ["default-src"] = ["'self'"],
        ["script-src"] = ["'self'"],
        ["style-src"] = ["'self'"],
        ["img-src"] = ["'self'"],
        ["font-src"] = ["'self'"],
        ["connect-src"] = ["'self'"],
        ["object-src"] = ["'none'"],
        ["base-uri"] = ["'none'"],
        ["form-action"] = ["'self'"],
        ["frame-ancestors"] = ["'none'"],
    };

    /// <summary>The protective headers every response must carry, and no server banner.</summary>
    public static void Headers(Func<string, string?> header)
    {
        Policy(header("Content-Security-Policy"));
        // same-origin everywhere; the stricter no-referrer where the address holds a secret (a resume link).
        Assert.Contains(header("Referrer-Policy"), new[] { "same-origin", "no-referrer" });
        Assert.Equal("nosniff", header("X-Content-Type-Options"));
        Assert.Equal("DENY", header("X-Frame-Options"));
        Assert.Equal("same-origin", header("Cross-Origin-Opener-Policy"));
        Assert.Equal("same-origin", header("Cross-Origin-Resource-Policy"));
        var permissions = header("Permissions-Policy") ?? "";
        foreach (var feature in new[] { "camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()", "browsing-topics=()" })
        {
            Assert.Contains(feature, permissions);
        }

        Assert.Null(header("Server"));
    }

    /// <summary>
    /// Each directive of the policy, one by one, against <see cref="PromisedPolicy"/>: the same
    /// directives, each with exactly the promised sources (in any order), none twice.
    /// </summary>
    public static void Policy(string? policy)
    {
        Assert.NotNull(policy);
        var directives = policy.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        var names = directives.Select(d => d[0].ToLowerInvariant()).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(PromisedPolicy.Keys.Order(), names.Order());
        foreach (var directive in directives)
        {
            var name = directive[0].ToLowerInvariant();
            Assert.True(
                PromisedPolicy[name].Order().SequenceEqual(directive.Skip(1).Order()),
                $"{name}: \"{string.Join(' ', directive.Skip(1))}\", promised \"{string.Join(' ', PromisedPolicy[name])}\"");
        }
    }

    public static Func<string, string?> Reader(HttpResponseMessage response) => name =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    /// <summary>The site's log (compact JSON) holds no Error or Fatal line: what a client sent is never the site's fault.</summary>
    public static void NoErrorLines(string log)
    {
        var errors = log.Split('\n').Where(line => line.Contains("\"@l\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"@l\":\"Fatal\"", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, $"{errors.Count} Error lines, the first: {errors.FirstOrDefault()}");
    }
}
