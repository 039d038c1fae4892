namespace Relational.Progress;

/// <summary>
/// The site's rule for state-changing requests, in place of antiforgery cookies (which would set a
/// cookie before anyone opts in): a browser's <c>Sec-Fetch-Site</c> must say <c>same-origin</c>;
/// when a client sends no <c>Sec-Fetch-Site</c>, its <c>Origin</c> must name this host.
/// </summary>
public static class SameOrigin
{
    public static bool Allows(HttpRequest request)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0)
        {
            return string.Equals(fetchSite, "same-origin", StringComparison.OrdinalIgnoreCase);
        }

        var origin = request.Headers.Origin.ToString();
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
