using System.Globalization;

namespace Relational.Progress;

/// <summary>
/// The <c>relational-reader</c> cookie: set only when a reader opts in (or adopts a resume link).
/// HttpOnly, SameSite=Lax, Secure under HTTPS, Path=/, kept for the retention period. Its value is
/// the reader's key, a dot, and the UTC day it was written (<c>key.20261207</c>): a page renews it
/// only on a reader's first page of a day, so other pages carry no Set-Cookie and Back can restore
/// them from the browser's back/forward cache. The day says no more than the cookie's own expiry does.
/// </summary>
public static class ReaderCookie
{
    public const string Name = "relational-reader";

    private const string DayFormat = "yyyyMMdd";

    /// <summary>Whether the request carries a reader cookie at all (well-formed or not).</summary>
    public static bool IsPresent(HttpRequest request) => request.Cookies.ContainsKey(Name);

    public static ReaderKey? Read(HttpRequest request) =>
        ReaderKey.TryParse(Parts(request).Key, out var key) ? key : null;

    /// <summary>Whether the cookie was written on <paramref name="now"/>'s UTC day, so needs no renewal yet.</summary>
    public static bool WrittenOn(HttpRequest request, DateTimeOffset now) =>
        string.Equals(Parts(request).Day, Day(now), StringComparison.Ordinal);

    public static void Write(HttpResponse response, ReaderKey key, int retentionDays, DateTimeOffset now) =>
        response.Cookies.Append(Name, $"{key.Value}.{Day(now)}", Options(response.HttpContext.Request, TimeSpan.FromDays(retentionDays)));

    public static void Expire(HttpResponse response) =>
        response.Cookies.Delete(Name, Options(response.HttpContext.Request, null));

    /// <summary>
    /// Responses shaped by a reader's cookie must never be kept by a shared cache, and these (a
    /// resume link shown once, a download, a form's answer) are not kept by the browser either.
    /// </summary>
    public static void MarkPersonal(HttpResponse response)
    {
        response.Headers.CacheControl = "private, no-store";
        response.Headers.Vary = "Cookie";
    }

    /// <summary>
    /// A reader's own reading page: never a shared cache's, kept by their browser only to be asked
    /// for again each time (no-cache), which leaves Back free to restore it from the back/forward cache.
    /// </summary>
    public static void MarkPersonalPage(HttpResponse response)
    {
        response.Headers.CacheControl = "private, no-cache";
        response.Headers.Vary = "Cookie";
    }

    private static (string? Key, string? Day) Parts(HttpRequest request)
    {
        var value = request.Cookies[Name];
        var dot = value?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        return dot < 0 ? (value, null) : (value![..dot], value[(dot + 1)..]);
    }

    private static string Day(DateTimeOffset now) => now.UtcDateTime.ToString(DayFormat, CultureInfo.InvariantCulture);

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
