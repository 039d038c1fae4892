namespace Relational.Safety;

/// <summary>
/// The headers every response carries, pages, static files, 304s and errors alike: nothing may
/// load from or leak to another origin, and the site may not be framed.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Features the site never uses. Only names Chromium knows: an unknown one (such as
    /// <c>interest-cohort</c>, <c>ambient-light-sensor</c>, <c>bluetooth</c>) is reported as a
    /// console error on every page.
    /// </summary>
    public const string PermissionsPolicy =
        "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), " +
        "display-capture=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), " +
        "payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()";

    public const string StrictTransportSecurity = "max-age=31536000";

    private static readonly object PendingKey = new();

    /// <summary>
    /// A header for this response that must outlive the re-execution of the calm status page
    /// (<c>Allow</c> on a 405, <c>Retry-After</c> on a 429).
    /// </summary>
    public static void Add(HttpContext context, string name, string value)
    {
        if (context.Items[PendingKey] is not Dictionary<string, string> pending)
        {
            context.Items[PendingKey] = pending = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        }

        pending[name] = value;
    }

    /// <summary>Set just before the response starts, so that nothing later can drop them.</summary>
    public static void ApplyWhenStarting(HttpContext context) =>
        context.Response.OnStarting(static state =>
        {
            Apply((HttpContext)state);
            return Task.CompletedTask;
        }, context);

    private static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "same-origin";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Permissions-Policy"] = PermissionsPolicy;
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        if (context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = StrictTransportSecurity;
        }

        if (context.Items[PendingKey] is Dictionary<string, string> pending)
        {
            foreach (var (name, value) in pending)
            {
                headers[name] = value;
            }
        }
    }
}
