using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Relational.Content;

/// <summary>
/// Every article, loaded and validated as a whole. Never mutated: a content change builds a new
/// catalogue that replaces this one in a single reference swap.
/// </summary>
public sealed class ContentCatalogue
{
    private readonly FrozenDictionary<string, Article> _bySlug;

    public ContentCatalogue(ImmutableArray<Article> articles, string version)
    {
        Articles = articles;
        Version = version;
        // Slugs are lower case; a page asked for in another case is found, then redirects to its address.
        _bySlug = articles.ToFrozenDictionary(a => a.Slug, StringComparer.OrdinalIgnoreCase);
    }

    public ImmutableArray<Article> Articles { get; }

    /// <summary>A hash of every content file's bytes: changes exactly when the content does.</summary>
    public string Version { get; }

    /// <summary>What an author should mend but readers can live with (a broken link, a missing image, a skipped folder).</summary>
    public ImmutableArray<ContentProblem> Problems { get; init; } = [];

    public Article? FindArticle(string slug) => _bySlug.GetValueOrDefault(slug);
}
