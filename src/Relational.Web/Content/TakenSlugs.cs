using System.Collections.Frozen;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Relational.Content;

/// <summary>
/// Slugs the site's own addresses take, read from its endpoints: an article named after the first
/// fixed segment of any address (<c>/progress</c>, <c>/offline</c>, <c>/css/…</c>) could never be
/// opened, nor a part named after a fixed address under an article (<c>/{article}/all</c>), since the
/// fixed route always wins. Read from the routes, a page added later is covered without a list to
/// keep in step.
/// </summary>
public sealed record TakenSlugs(FrozenSet<string> ForArticles, FrozenSet<string> ForParts)
{
    public static TakenSlugs None { get; } = new(FrozenSet<string>.Empty, FrozenSet<string>.Empty);

    public static TakenSlugs From(IEnumerable<Endpoint> endpoints)
    {
        var articles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var parts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segments in endpoints.OfType<RouteEndpoint>().Select(endpoint => endpoint.RoutePattern.PathSegments))
        {
            if (segments.Count > 0 && Fixed(segments[0]) is { } first)
            {
                articles.Add(first);
            }
            else if (segments.Count > 1 && Fixed(segments[1]) is { } second)
            {
                parts.Add(second);
            }
        }

        // Routing matches fixed segments in any case; so does the catalogue's look-up of slugs.
        return new(articles.ToFrozenSet(StringComparer.OrdinalIgnoreCase), parts.ToFrozenSet(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Whether any slug of this catalogue is taken.</summary>
    public bool AnyIn(ContentCatalogue catalogue) =>
        catalogue.Articles.Any(article => ForArticles.Contains(article.Slug) || article.Parts.Any(part => ForParts.Contains(part.Slug)));

    private static string? Fixed(RoutePatternPathSegment segment) =>
        segment.IsSimple && segment.Parts[0] is RoutePatternLiteralPart literal ? literal.Content : null;
}
