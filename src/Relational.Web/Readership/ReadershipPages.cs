using System.Buffers;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Relational.Content;
using Relational.Safety;

namespace Relational.Readership;

/// <summary>
/// Marks an endpoint counted by its route's <c>article</c> (or for the whole site when it has none): a feed is
/// <c>[CountedAs(Measure.FeedFetches)]</c> on its page, or <c>.WithMetadata(new CountedAsAttribute(Measure.FeedFetches))</c>
/// on its mapped endpoint.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class CountedAsAttribute(Measure measure) : Attribute
{
    public Measure Measure { get; } = measure;
}

/// <summary>
/// Which page a response was, for counting: worked out from the endpoint and its route values, and
/// kept beside a page <see cref="Performance.KeptPages"/> answers before routing. Only the page is
/// looked at, never who asked for it: the user agent is read once, to tell a known crawler apart,
/// and is not kept.
/// </summary>
public static class ReadershipPages
{
    // Substrings of the user agents of search engines, link previews and archivers.
    private static readonly SearchValues<string> Crawlers = SearchValues.Create(
        ["bot", "crawl", "spider", "slurp", "archiver", "facebookexternalhit", "embedly", "preview"],
        StringComparison.OrdinalIgnoreCase);

    /// <summary>What this routed response counts as if it was shown, or null for anything not counted.</summary>
    public static Tally? TallyOf(HttpContext context)
    {
        if (context.GetEndpoint() is not { } endpoint)
        {
            return null;
        }

        var counted = endpoint.Metadata.GetMetadata<CountedAsAttribute>();
        var page = endpoint.Metadata.GetMetadata<PageActionDescriptor>()?.ViewEnginePath;
        if (counted is null && page is not ("/Reading/Cover" or "/Reading/All" or "/Reading/Part"))
        {
            return null;
        }

        var values = context.Request.RouteValues;
        var catalogue = context.RequestServices.GetRequiredService<CatalogueProvider>().Current;
        var article = values["article"] is string slug ? catalogue.FindArticle(slug) : null;
        if (counted is not null)
        {
            // An endpoint of one article counts for it; one of the whole site (its feed), for the site.
            return values.ContainsKey("article")
                ? article is null ? null : new Tally(article.Slug, Tally.Site, counted.Measure)
                : Tally.OfSite(counted.Measure);
        }

        switch (page)
        {
            case "/Reading/Cover" when article is not null:
                return new Tally(article.Slug, Tally.Cover, Measure.Views);
            case "/Reading/All" when article is not null:
                return new Tally(article.Slug, Tally.WholeArticle, Measure.Views);
            case "/Reading/Part" when values["id"] is string id && DiscreetMode.Find(catalogue, id) is var (a, s):
                return new Tally(a.Slug, s.Slug, Measure.NeutralAddressViews);
            case "/Reading/Part" when article?.FindPart(values["part"] as string ?? "") is { } part:
                return new Tally(article.Slug, part.Slug, Measure.Views);
            default:
                return null;
        }
    }

    /// <summary>
    /// The tally to add for a response that was <paramref name="tally"/>'s page, or null when it
    /// does not count: anything but a GET answered 200 or 304 (a HEAD, a redirect, a missing page),
    /// a page fetched by a script (the offline copy being made) or prefetched. A known crawler's
    /// view is counted apart.
    /// </summary>
    public static Tally? Shown(HttpContext context, Tally tally)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method)
            || context.Response.StatusCode is not (StatusCodes.Status200OK or StatusCodes.Status304NotModified))
        {
            return null;
        }

        if (tally.Measure is not (Measure.Views or Measure.NeutralAddressViews))
        {
            return tally;
        }

        var headers = request.Headers;
        if (headers.TryGetValue("Sec-Fetch-Dest", out var destination) && !StringValues.Equals(destination, "document")
            || Mentions(headers["Sec-Purpose"], "prefetch") || Mentions(headers["Purpose"], "prefetch"))
        {
            return null;
        }

        return headers[HeaderNames.UserAgent].ToString().AsSpan().ContainsAny(Crawlers)
            ? tally with { Measure = Measure.CrawlerViews }
            : tally;
    }

    private static bool Mentions(StringValues values, string word) =>
        !StringValues.IsNullOrEmpty(values) && values.ToString().Contains(word, StringComparison.OrdinalIgnoreCase);
}
