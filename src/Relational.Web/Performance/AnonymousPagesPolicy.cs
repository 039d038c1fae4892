using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Relational.Content;
using Relational.Progress;
using Relational.Site;

namespace Relational.Performance;

/// <summary>
/// The output cache's one policy: keeps the pages marked <see cref="SameForEveryAnonymousReaderAttribute"/>
/// for readers who have not opted in, at their canonical address only. Everything else (a reader
/// with the progress cookie, a made-up query string, a case or trailing-slash variant, a Host that
/// is not the site's own) is rendered for that request and never kept, so no request can add an
/// entry beyond one per page, encoding and <c>?discreet=1</c>.
/// </summary>
internal sealed class AnonymousPagesPolicy(CatalogueProvider catalogue, CanonicalOrigins origins, IOptions<PageCacheOptions> options)
    : IOutputCachePolicy
{
    /// <summary>Carried by every cached page; evicted when the content catalogue is replaced.</summary>
    public const string ContentTag = "content";

    // The content version a kept page was rendered from, among the cache's vary values.
    private const string ContentVersionKey = "content";

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var http = context.HttpContext;
        if (!IsCacheable(http))
        {
            context.EnableOutputCaching = false;
            return ValueTask.CompletedTask;
        }

        context.EnableOutputCaching = true;
        context.AllowCacheLookup = true;
        context.AllowCacheStorage = true;
        // Concurrent first requests for a page wait for one rendering instead of each rendering it.
        context.AllowLocking = true;

        // Every spelling of Accept-Encoding comes down to the one coding sent, so a page has at most
        // three entries (br, gzip, none), and Response Compression further in picks that same coding.
        var coding = ContentCodings.Preferred(http.Request);
        http.Request.Headers.AcceptEncoding = coding.Length == 0 ? StringValues.Empty : new StringValues(coding);
        var vary = context.CacheVaryByRules;
        vary.VaryByValues["coding"] = coding;
        // A page rendered while the content changes is stored under the version it was keyed by,
        // which no later request asks for: nothing stale is served.
        vary.VaryByValues[ContentVersionKey] = catalogue.Current.Version;
        vary.QueryKeys = "discreet";
        vary.VaryByHost = !origins.PagesIgnoreHost;
        context.Tags.Add(ContentTag);
        context.ResponseExpirationTimeSpan = options.Value.Expiration;
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) =>
        ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        if (!MayKeep(context.HttpContext.Response))
        {
            context.AllowCacheStorage = false;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The content version the page about to be kept was rendered from.</summary>
    internal static string ContentVersion(OutputCacheContext context) => context.CacheVaryByRules.VaryByValues[ContentVersionKey];

    /// <summary>A redirect, a missing page, an error or anything that sets a cookie is never kept.</summary>
    internal static bool MayKeep(HttpResponse response) =>
        response.StatusCode == StatusCodes.Status200OK && StringValues.IsNullOrEmpty(response.Headers.SetCookie);

    /// <summary>
    /// A GET or HEAD of a page that is the same for everyone, from a reader without the progress
    /// cookie, at the page's canonical address (lower case, no trailing slash, no query string
    /// but <c>?discreet=1</c>) under one of the site's own names.
    /// </summary>
    internal bool IsCacheable(HttpContext context) =>
        SameForEveryAnonymousReaderAttribute.IsOn(context) && IsCacheableRequest(context);

    /// <summary>All of <see cref="IsCacheable"/> that can be told before routing: everything but the page.</summary>
    internal bool IsCacheableRequest(HttpContext context)
    {
        var request = context.Request;
        return (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && !ReaderCookie.IsPresent(request)
            && StringValues.IsNullOrEmpty(request.Headers.Authorization)
            && IsCanonicalPath(request.Path.Value)
            && request.QueryString.Value is null or "" or "?discreet=1"
            && origins.IsCanonical(request);
    }

    internal static bool IsCanonicalPath(string? path) =>
        path is { Length: > 0 } && path[0] == '/'
        && (path.Length == 1 || path[^1] != '/')
        && !path.AsSpan().ContainsAnyInRange('A', 'Z');
}
