using System.Collections.Frozen;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Relational.Progress;

namespace Relational.Performance;

/// <summary>Marks a page that is the same for every reader who has not opted in, so it can be snapshotted.</summary>
internal sealed class SameForEveryAnonymousReader
{
    public static readonly SameForEveryAnonymousReader Instance = new();

    private SameForEveryAnonymousReader()
    {
    }
}

/// <summary>
/// Serves marked pages to anonymous readers from <see cref="PageSnapshotCache"/>: the first request
/// for a page runs the real Razor page and keeps its bytes, later ones are answered from memory
/// (or with 304 when the reader's copy is current). A reader who opted in always gets a freshly
/// rendered page, marked private so no shared cache keeps it, compressed through
/// <see cref="CompressedPages"/>.
/// </summary>
internal sealed class PageSnapshotMiddleware(RequestDelegate next, PageSnapshotCache cache, CompressedPages compressed)
{
    // Query strings that change a page (a link shared in discreet mode). Any other query string is
    // rendered each time, so made-up ones cannot fill the cache.
    private static readonly FrozenSet<string> KnownQueries = new[] { "", "?discreet=1" }.ToFrozenSet(StringComparer.Ordinal);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        // Set only after a reader opts in: the page may be personalised.
        if (ReaderCookie.IsPresent(request))
        {
            context.Response.OnStarting(MarkPrivate, context.Response);
            return IsPageForEveryone(context) ? RenderAndCompressAsync(context) : next(context);
        }

        if (!IsSnapshotRequest(context))
        {
            // A made-up query string: rendered each time, but its bytes are those of the page
            // without it, so their compressed form is shared too.
            return IsPageForEveryone(context) ? RenderAndCompressAsync(context) : next(context);
        }

        var key = new PageSnapshotKey(request.Scheme, request.Host.Value ?? "", request.Path.Value ?? "", request.QueryString.Value ?? "");
        var generation = cache.Current;
        return generation.TryGet(key, out var snapshot)
            ? SendAsync(context, snapshot)
            : RenderAndKeepAsync(context, generation, key);
    }

    /// <summary>A GET or HEAD of a page that, before a reader opts in, is the same for everyone.</summary>
    private static bool IsPageForEveryone(HttpContext context)
    {
        var request = context.Request;
        return (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && context.GetEndpoint()?.Metadata.GetMetadata<SameForEveryAnonymousReader>() is not null
            && !request.Path.StartsWithSegments("/progress", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsSnapshotRequest(HttpContext context) =>
        IsPageForEveryone(context) && KnownQueries.Contains(context.Request.QueryString.Value ?? "");

    /// <summary>
    /// Runs the rest of the pipeline with the response body kept in memory and no Accept-Encoding,
    /// so response compression further in leaves it as it is: the caller compresses it once.
    /// </summary>
    private async Task<PooledBufferStream> RenderToMemoryAsync(HttpContext context)
    {
        var responseBody = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var buffer = new PooledBufferStream();
        var capture = new StreamResponseBodyFeature(buffer);
        context.Features.Set<IHttpResponseBodyFeature>(capture);
        var acceptEncoding = context.Request.Headers.AcceptEncoding;
        context.Request.Headers.AcceptEncoding = StringValues.Empty;
        try
        {
            await next(context);
            await capture.CompleteAsync();
        }
        catch
        {
            await buffer.DisposeAsync();
            throw;
        }
        finally
        {
            context.Features.Set(responseBody);
            context.Request.Headers.AcceptEncoding = acceptEncoding;
        }

        return buffer;
    }

    /// <summary>A page rendered for this request, its bytes compressed once for every request that renders the same.</summary>
    private async Task RenderAndCompressAsync(HttpContext context)
    {
        var coding = AcceptEncoding.Choose(context.Request.Headers.AcceptEncoding);
        await using var buffer = await RenderToMemoryAsync(context);
        var response = context.Response;
        var body = buffer.Written;
        // Nothing written (a 404 left for the calm error page, a redirect): pass it on untouched.
        if (body.Length == 0)
        {
            return;
        }

        if (IsPage(response))
        {
            response.Headers.Vary = HeaderNames.AcceptEncoding;
            if (coding != ContentCoding.Identity)
            {
                body = compressed.Compress(body.Span, coding);
                response.Headers.ContentEncoding = coding == ContentCoding.Brotli ? "br" : "gzip";
            }
        }

        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    private static bool IsPage(HttpResponse response) =>
        response.StatusCode == StatusCodes.Status200OK
        && response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;

    private async Task RenderAndKeepAsync(HttpContext context, PageSnapshotCache.Generation generation, PageSnapshotKey key)
    {
        var response = context.Response;
        // Render the page as it is; the snapshot is compressed once, below.
        await using var buffer = await RenderToMemoryAsync(context);

        if (IsPage(response) && buffer.Length > 0 && !response.Headers.ContainsKey(HeaderNames.SetCookie))
        {
            var snapshot = PageSnapshot.Create(buffer.Written.Span, response.Headers);
            generation.TryAdd(key, snapshot);
            await SendAsync(context, snapshot);
            return;
        }

        // Not a page to keep (an error, a redirect, a cookie): pass it on exactly as rendered.
        if (buffer.Length > 0)
        {
            await response.Body.WriteAsync(buffer.Written, context.RequestAborted);
        }
    }

    private static Task SendAsync(HttpContext context, PageSnapshot snapshot)
    {
        var request = context.Request;
        var response = context.Response;
        var representation = snapshot.For(AcceptEncoding.Choose(request.Headers.AcceptEncoding));
        var headers = response.Headers;
        headers.ETag = representation.ETag;
        headers.CacheControl = "no-cache";
        headers.Vary = HeaderNames.AcceptEncoding;
        if (IfNoneMatch(request.Headers.IfNoneMatch, representation.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        foreach (var (name, value) in snapshot.Headers)
        {
            headers[name] = value;
        }

        if (representation.ContentEncoding is { } encoding)
        {
            headers.ContentEncoding = encoding;
        }

        response.ContentLength = representation.Body.Length;
        return HttpMethods.IsHead(request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(representation.Body, context.RequestAborted).AsTask();
    }

    /// <summary>Weak comparison, as RFC 9110 asks for If-None-Match: <c>W/</c> is ignored, <c>*</c> matches.</summary>
    private static bool IfNoneMatch(StringValues header, string etag)
    {
        foreach (var value in header)
        {
            var remaining = value.AsSpan();
            foreach (var range in remaining.Split(','))
            {
                var candidate = remaining[range].Trim();
                if (candidate.StartsWith("W/", StringComparison.Ordinal))
                {
                    candidate = candidate[2..];
                }

                if (candidate.SequenceEqual("*") || candidate.SequenceEqual(etag))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static Task MarkPrivate(object state)
    {
        var response = (HttpResponse)state;
        if (StringValues.IsNullOrEmpty(response.Headers.CacheControl))
        {
            response.Headers.CacheControl = "private, no-cache";
        }

        return Task.CompletedTask;
    }
}
