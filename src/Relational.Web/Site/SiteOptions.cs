namespace Relational.Site;

/// <summary>Settings from the <c>Site</c> section.</summary>
public sealed class SiteOptions
{
    public const string Section = "Site";

    public string Name { get; set; } = "Relational";

    /// <summary>
    /// The public address (scheme and host, e.g. <c>https://relational.example</c>) used for
    /// canonical and share links. Empty: taken from each request.
    /// </summary>
    public string PublicOrigin { get; set; } = "";
}
