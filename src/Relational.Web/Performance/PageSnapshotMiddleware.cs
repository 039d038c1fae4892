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
/// rendered page, marked private so no shared cache keeps it.
/// </summary>
internal sealed class PageSnapshotMiddleware(RequestDelegate next, PageSnapshotCache cache)
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
            return next(context);
        }

        if (!IsSnapshotRequest(context))
        {
            return next(context);
        }

        var key = new PageSnapshotKey(request.Scheme, request.Host.Value ?? "", request.Path.Value ?? "", request.QueryString.Value ?? "");
        var generation = cache.Current;
        return generation.TryGet(key, out var snapshot)
            ? SendAsync(context, snapshot)
            : RenderAndKeepAsync(context, generation, key);
    }

    private static bool IsSnapshotRequest(HttpContext context)
    {
        var request = context.Request;
        return (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && context.GetEndpoint()?.Metadata.GetMetadata<SameForEveryAnonymousReader>() is not null
            && KnownQueries.Contains(request.QueryString.Value ?? "")
            && !request.Path.StartsWithSegments("/progress", StringComparison.OrdinalIgnoreCase);
    }

    private async Task RenderAndKeepAsync(HttpContext context, PageSnapshotCache.Generation generation, PageSnapshotKey key)
    {
        var response = context.Response;
        var responseBody = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var buffer = new MemoryStream();
        var capture = new StreamResponseBodyFeature(buffer);
        context.Features.Set<IHttpResponseBodyFeature>(capture);

        // Render the page as it is (response compression further in sees no Accept-Encoding);
        // the snapshot is compressed once, below.
        var acceptEncoding = context.Request.Headers.AcceptEncoding;
        context.Request.Headers.AcceptEncoding = StringValues.Empty;
        try
        {
            await next(context);
            await capture.CompleteAsync();
        }
        finally
        {
            context.Features.Set(responseBody);
            context.Request.Headers.AcceptEncoding = acceptEncoding;
        }

        if (response.StatusCode == StatusCodes.Status200OK
            && buffer.Length > 0
            && !response.Headers.ContainsKey(HeaderNames.SetCookie)
            && response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            var snapshot = PageSnapshot.Create(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), response.Headers);
            generation.TryAdd(key, snapshot);
            await SendAsync(context, snapshot);
            return;
        }

        // Not a page to keep (an error, a redirect, a cookie): pass it on exactly as rendered.
        if (buffer.Length > 0)
        {
            buffer.Position = 0;
            await buffer.CopyToAsync(response.Body, context.RequestAborted);
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
