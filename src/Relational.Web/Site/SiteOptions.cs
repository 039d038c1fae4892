using Microsoft.Extensions.Options;

namespace Relational.Site;

/// <summary>Settings from the <c>Site</c> section.</summary>
public sealed class SiteOptions
{
    public const string Section = "Site";

    public string Name { get; set; } = "Relational";

    /// <summary>
    /// The public address (scheme and host, e.g. <c>https://relational.example</c>) used for
    /// canonical and share links, so a page is the same whatever Host a request names and one kept
    /// copy serves them all. Required in Production. Empty elsewhere: taken from each request.
    /// With <c>https</c>, every request is treated as HTTPS (the reader cookie is <c>Secure</c>,
    /// HSTS is sent) whatever a proxy in front forwards.
    /// </summary>
    public string PublicOrigin { get; set; } = "";

    public bool HasPublicOrigin => PublicOrigin.Trim().Length > 0;

    public bool PublicOriginIsHttps => PublicOrigin.Trim().StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}

/// <summary><c>Site:PublicOrigin</c>: a scheme and a host, and set in Production (as Ghost requires its <c>url</c>).</summary>
internal sealed class SiteChecks(IHostEnvironment environment) : IValidateOptions<SiteOptions>
{
    public const string Example = "https://reading.example.org";

    public ValidateOptionsResult Validate(string? name, SiteOptions options)
    {
        var origin = options.PublicOrigin.Trim();
        return new SettingChecks()
            .Require(
                origin.Length > 0 || !environment.IsProduction(),
                $"Site:PublicOrigin (environment: Site__PublicOrigin) must be set in Production to the address readers use, for example {Example}")
            .Require(
                origin.Length == 0 || IsOrigin(origin),
                $"Site:PublicOrigin must be a scheme and a host only, for example {Example}")
            .Result;
    }

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && uri.UserInfo.Length == 0
        && uri.AbsolutePath == "/"
        && uri.Query.Length == 0
        && uri.Fragment.Length == 0
        && !origin.EndsWith("//", StringComparison.Ordinal);
}
