using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Relational.Content;

/// <summary>One article of the series, as loaded from its folder. Immutable.</summary>
public sealed record Article(
    string Slug,
    string Title,
    string Author,
    string Attribution,
    string Description,
    string IntroHtml,
    ImmutableArray<Part> Parts)
{
    private readonly FrozenDictionary<string, Part> _bySlug =
        Parts.ToFrozenDictionary(s => s.Slug, StringComparer.OrdinalIgnoreCase);

    /// <summary>The date its front matter gives as <c>updated</c>, if any; see <see cref="LastChanged"/>.</summary>
    public DateOnly? Updated { get; init; }

    /// <summary>The images beside its Markdown, by file name.</summary>
    public FrozenDictionary<string, ArticleMedia> Media { get; init; } = FrozenDictionary<string, ArticleMedia>.Empty;

    /// <summary>Whom the article credits, as its cover, pages and footer show it: “attribution” — author.</summary>
    public string Credit => $"“{Attribution}” — {Author}";

    /// <summary>The line of its slug in <c>article.md</c>, for a message about the slug.</summary>
    internal int SlugLine { get; init; }

    /// <summary>
    /// The latest <c>updated</c> date of the article or any of its parts (the sitemap's lastmod for
    /// the cover); null when none gives one.
    /// </summary>
    public DateOnly? LastChanged => Parts.Select(s => s.Updated).Append(Updated).Max();

    /// <summary>Words in all its parts.</summary>
    public int WordCount => Parts.Sum(s => s.WordCount);

    /// <summary>How long the whole series takes at the site's pace, gently worded.</summary>
    public string GentleLength => ReadingTime.Gentle(WordCount);

    public string Url => "/" + Slug;

    public string AllUrl => Url + "/all";

    public string ContentsUrl => Url + "#contents";

    public Part? FindPart(string slug) => _bySlug.GetValueOrDefault(slug);

    public Part? Previous(Part part) =>
        part.Number > 1 ? Parts[part.Number - 2] : null;

    public Part? Next(Part part) =>
        part.Number < Parts.Length ? Parts[part.Number] : null;

    public string PartUrl(Part part) => Url + "/" + part.Slug;
}

/// <summary>One part of an article: one page of the series.</summary>
public sealed record Part(
    int Number,
    string Slug,
    string Title,
    string Summary,
    string? PausePrompt,
    string Html,
    string Excerpt,
    int WordCount)
{
    /// <summary>The date its front matter gives as <c>updated</c>, if any: the sitemap's lastmod.</summary>
    public DateOnly? Updated { get; init; }

    /// <summary>When its file was last written: the feed's date for a part when the content gives none.</summary>
    public DateTimeOffset Written { get; init; }

    /// <summary>How long it takes at the site's pace, gently worded: "under a minute", "about 2 minutes".</summary>
    public string GentleLength => ReadingTime.Gentle(WordCount);
}

/// <summary>Reading time at a slow, unhurried pace, worded so that it never overstates.</summary>
public static class ReadingTime
{
    public const int WordsPerMinute = 180;

    public static string Gentle(int words)
    {
        if (words < WordsPerMinute)
        {
            return "under a minute";
        }

        var minutes = (int)Math.Ceiling(words / (double)WordsPerMinute);
        return minutes == 1 ? "about 1 minute" : $"about {minutes} minutes";
    }
}
