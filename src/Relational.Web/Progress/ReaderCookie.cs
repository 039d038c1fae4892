namespace Relational.Progress;

/// <summary>
/// The <c>relational-reader</c> cookie: set only when a reader opts in (or adopts a resume link).
/// HttpOnly, SameSite=Lax, Secure under HTTPS, Path=/, kept for the retention period.
/// </summary>
public static class ReaderCookie
{
    public const string Name = "relational-reader";

    /// <summary>Whether the request carries a reader cookie at all (well-formed or not).</summary>
    public static bool IsPresent(HttpRequest request) => request.Cookies.ContainsKey(Name);

    public static ReaderKey? Read(HttpRequest request) =>
        ReaderKey.TryParse(request.Cookies[Name], out var key) ? key : null;

    public static void Write(HttpResponse response, ReaderKey key, int retentionDays) =>
        response.Cookies.Append(Name, key.Value, Options(response.HttpContext.Request, TimeSpan.FromDays(retentionDays)));

    public static void Expire(HttpResponse response) =>
        response.Cookies.Delete(Name, Options(response.HttpContext.Request, null));

    /// <summary>Responses shaped by a reader's cookie must never be kept by a shared cache.</summary>
    public static void MarkPersonal(HttpResponse response)
    {
        response.Headers.CacheControl = "private, no-store";
        response.Headers.Vary = "Cookie";
    }

    private static CookieOptions Options(HttpRequest request, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = request.IsHttps,
        Path = "/",
        IsEssential = true,
        MaxAge = maxAge,
    };
}
