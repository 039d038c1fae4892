using System.Net;
using Microsoft.Extensions.Options;
using Relational.Site;

namespace Relational.Safety;

/// <summary>Settings from the <c>Safety</c> section (environment: <c>Safety__ExitUrl</c>, …).</summary>
public sealed class SafetyOptions
{
    public const string Section = "Safety";

    /// <summary>Where "Exit this page" goes: a neutral site that says nothing about this one.</summary>
    public string ExitUrl { get; set; } = "https://www.bbc.co.uk/weather";

    /// <summary>The largest form a reader can send (bytes); beyond it the answer is 413.</summary>
    public int MaxFormBytes { get; set; } = 4 * 1024;

    /// <summary>The longest path, and the longest query string, the site reads (characters); beyond: 414.</summary>
    public int MaxUrlPartLength { get; set; } = 1024;

    /// <summary>Kestrel's cap on all request headers together (bytes); cookies count here.</summary>
    public int MaxRequestHeadersBytes { get; set; } = 16 * 1024;

    /// <summary>Kestrel's cap on the request line (bytes).</summary>
    public int MaxRequestLineBytes { get; set; } = 8 * 1024;

    /// <summary>POSTs one client may send per <see cref="PostWindowSeconds"/>; beyond: 429.</summary>
    public int PostsPerWindow { get; set; } = 30;

    public int PostWindowSeconds { get; set; } = 60;

    /// <summary>
    /// New readers (opt-ins that create records) the site takes a minute, from all clients
    /// together; beyond it the answer is a calm 503 with <c>Retry-After</c>.
    /// </summary>
    public int NewReadersPerMinute { get; set; } = 120;

    /// <summary>
    /// Addresses of reverse proxies in front of the site (<c>Safety__TrustedProxies__0</c>, …).
    /// Only from these, and from this machine (127.0.0.1, ::1), is <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c>
    /// believed, so the POST limit counts each reader rather than the proxy, and HTTPS ended at the
    /// proxy is known as HTTPS. From any other address the headers are ignored.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];
}

/// <summary>Limits that let something through, and proxies named by address.</summary>
internal sealed class SafetyChecks : IValidateOptions<SafetyOptions>
{
    public ValidateOptionsResult Validate(string? name, SafetyOptions options) => new SettingChecks()
        .Require(options.TrustedProxies.All(proxy => IPAddress.TryParse(proxy, out _)),
            "Safety:TrustedProxies must list IP addresses (for example Safety__TrustedProxies__0=10.0.0.5), not host names")
        .Require(Uri.TryCreate(options.ExitUrl, UriKind.Absolute, out var exit) && exit.Scheme is "https" or "http",
            "Safety:ExitUrl must be an absolute http or https address")
        .Require(options.MaxFormBytes >= 1, "Safety:MaxFormBytes must be at least 1")
        .Require(options.MaxUrlPartLength >= 1, "Safety:MaxUrlPartLength must be at least 1")
        .Require(options.MaxRequestHeadersBytes >= 1, "Safety:MaxRequestHeadersBytes must be at least 1")
        .Require(options.MaxRequestLineBytes >= 1, "Safety:MaxRequestLineBytes must be at least 1")
        .Require(options.PostsPerWindow >= 1, "Safety:PostsPerWindow must be at least 1")
        .Require(options.PostWindowSeconds >= 1, "Safety:PostWindowSeconds must be at least 1")
        .Require(options.NewReadersPerMinute >= 1, "Safety:NewReadersPerMinute must be at least 1")
        .Result;
}
