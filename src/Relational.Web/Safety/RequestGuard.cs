using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Relational.Site;

namespace Relational.Safety;

/// <summary>
/// Turns away what a reading site never needs — a foreign Host, an unexpected method, an
/// overlong address, a cross-site, oversized or non-form POST, another site's fetch of the
/// reader's own pages — with a bare status code, which the site's status pages then answer with
/// the calm page. Sits inside the error pages, so every refusal is a calm page too.
/// </summary>
internal sealed class RequestGuard(RequestDelegate next, IOptionsMonitor<SafetyOptions> options, HostRule hosts)
{
    private static readonly string[] FormTypes = ["application/x-www-form-urlencoded", "multipart/form-data"];

    public async Task InvokeAsync(HttpContext context)
    {
        var refusal = Refusal(context, options.CurrentValue);
        if (refusal != 0)
        {
            context.Response.StatusCode = refusal;
            return;
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // A body larger than announced, cut short or malformed: the reader's side, not ours.
            context.Response.Clear();
            context.Response.StatusCode = e.StatusCode;
        }
        catch (InvalidDataException) when (!context.Response.HasStarted && HttpMethods.IsPost(context.Request.Method))
        {
            // The form reader's own limits (too many fields, a broken multipart body).
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }

    /// <summary>The calm page itself, re-executed for a refusal or an error: not to be refused again.</summary>
    internal static bool IsReExecution(HttpContext context) =>
        context.Features.Get<IStatusCodeReExecuteFeature>() is not null
        || context.Features.Get<IExceptionHandlerPathFeature>() is not null;

    private int Refusal(HttpContext context, SafetyOptions limits)
    {
        var request = context.Request;
        // Routing has already run (it comes first in the pipeline): what the matched endpoint says
        // about itself decides, not its address.
        var endpoint = context.GetEndpoint()?.Metadata;
        var anyHost = endpoint?.GetMetadata<AnyHostAttribute>() is not null;

        // No Host at all (HTTP/1.0), one no URL can hold (a port beyond 65535), or a foreign one:
        // pages build their canonical and share links from it, so they are never run for it.
        if (!anyHost && !hosts.Accepts(request.Host))
        {
            // The calm page builds its links from the Host: it must not be the refused one.
            request.Host = hosts.OwnHost;
            return StatusCodes.Status400BadRequest;
        }

        if (request.Path.Value?.Length > limits.MaxUrlPartLength || request.QueryString.Value?.Length > limits.MaxUrlPartLength)
        {
            return StatusCodes.Status414UriTooLong;
        }

        if (endpoint?.GetMetadata<ReadersOwnAttribute>() is { } own && !IsolationAllows(request, own.IsDownload(request)))
        {
            return StatusCodes.Status403Forbidden;
        }

        var method = request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            return 0;
        }

        if (!HttpMethods.IsPost(method) || endpoint?.GetMetadata<IFormPostTarget>() is null)
        {
            SecurityHeaders.Add(context, "Allow", "GET, HEAD");
            return StatusCodes.Status405MethodNotAllowed;
        }

        // The progress forms carry no antiforgery token (its cookie would be set before a reader
        // opts in): this check is what keeps another site from posting them.
        if (!IsSameOrigin(request))
        {
            return StatusCodes.Status403Forbidden;
        }

        if (request.ContentLength > limits.MaxFormBytes)
        {
            return StatusCodes.Status413PayloadTooLarge;
        }

        if (!FormTypes.Any(type => request.ContentType?.StartsWith(type, StringComparison.OrdinalIgnoreCase) == true))
        {
            return StatusCodes.Status415UnsupportedMediaType;
        }

        return 0;
    }

    /// <summary>
    /// A chunked body has no length up front: read here, at most the limit, so that one too large
    /// is refused as too large whoever reads it next. Runs after the per-client limit on posts
    /// (<see cref="SafetyExtensions.UseRequestGuard"/>), so a client beyond it is answered before
    /// its body is read; one that sends it too slowly gets Kestrel's 408.
    /// </summary>
    public static async Task ReadUnannouncedBodyAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.ContentLength is null && HttpMethods.IsPost(context.Request.Method))
        {
            var limit = context.RequestServices.GetRequiredService<IOptionsMonitor<SafetyOptions>>().CurrentValue.MaxFormBytes;
            if (await BufferUnannouncedBodyAsync(context, limit) is var refusal and not 0)
            {
                context.Response.StatusCode = refusal;
                return;
            }
        }

        await next(context);
    }

    private static async Task<int> BufferUnannouncedBodyAsync(HttpContext context, int limit)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit;
        }

        context.Request.EnableBuffering(bufferThreshold: limit, bufferLimit: limit);
        try
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            return e.StatusCode;
        }
        catch (IOException)
        {
            return StatusCodes.Status413PayloadTooLarge;
        }

        context.Request.Body.Position = 0;
        return 0;
    }

    /// <summary>
    /// OWASP's order: a browser says where a form came from in <c>Sec-Fetch-Site</c>; one without
    /// it still sends <c>Origin</c> on every POST; text browsers (lynx, w3m) send neither, only a
    /// <c>Referer</c>, which must then name this site. A POST with none of them is not from a form
    /// of this site.
    /// </summary>
    private static bool IsSameOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site == "same-origin";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            return NamesThisSite(origin, request);
        }

        return NamesThisSite(request.Headers.Referer.ToString(), request);
    }

    /// <summary>
    /// OWASP's resource isolation policy for the reader's own pages (<see cref="ReadersOwnAttribute"/>): another
    /// site may link to them (a top-level navigation to a page), never fetch, embed or frame them,
    /// and never start the download of the reader's data, not even by a link. A browser that sends
    /// no <c>Sec-Fetch-Site</c> (lynx, w3m, older ones) is let in as before, the download only
    /// without a <c>Referer</c> of another site.
    /// </summary>
    private static bool IsolationAllows(HttpRequest request, bool export)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length == 0)
        {
            var referer = request.Headers.Referer.ToString();
            return !export || referer.Length == 0 || NamesThisSite(referer, request);
        }

        // "none": the reader's own doing (typed, a bookmark).
        if (site is "same-origin" or "none")
        {
            return true;
        }

        return !export
            && HttpMethods.IsGet(request.Method)
            && request.Headers["Sec-Fetch-Mode"] == "navigate"
            && request.Headers["Sec-Fetch-Dest"] == "document";
    }

    private static bool NamesThisSite(string url, HttpRequest request) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.UserInfo.Length == 0
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
}
