namespace Relational.Readership;

/// <summary>What is counted. Nothing else about a request is kept: one number per day and tally.</summary>
public enum Measure
{
    /// <summary>A page shown to a reader (GET answered 200 or 304).</summary>
    Views,

    /// <summary>A part shown at its neutral address (<c>/read/…</c>).</summary>
    NeutralAddressViews,

    /// <summary>A page fetched by a known crawler (told by its user agent, which is not kept).</summary>
    CrawlerViews,

    ProgressOptIns,
    ResumeLinksMade,
    ResumeLinksUsed,
    OfflineCopiesMade,
    OfflineCopiesRemoved,
    FeedFetches,
}

/// <summary>
/// One counter's name: an article, a page of it (a part's slug, <see cref="Cover"/> or
/// <see cref="WholeArticle"/>; empty with <see cref="Site"/> for what is not about a page) and a measure.
/// </summary>
public sealed record Tally(string Article, string Part, Measure Measure)
{
    /// <summary>The article's cover page (parentheses: no slug can hold them).</summary>
    public const string Cover = "(cover)";

    /// <summary>The whole article on one page.</summary>
    public const string WholeArticle = "(whole)";

    /// <summary>The article of a count about the whole site (an opt-in, a resume link, an offline copy).</summary>
    public const string Site = "";

    /// <summary>A count about the whole site (one instance per measure, so counting allocates nothing).</summary>
    public static Tally OfSite(Measure measure) => SiteWide[(int)measure];

    private static readonly Tally[] SiteWide = [.. Enum.GetValues<Measure>().Select(m => new Tally(Site, Site, m))];

    /// <summary>How a measure is named in the database and the CSV.</summary>
    public static string NameOf(Measure measure) => Names[(int)measure];

    public static Measure? Parse(string name) => Array.IndexOf(Names, name) is var i and >= 0 ? (Measure)i : null;

    private static readonly string[] Names =
    [
        "views", "neutral-address-views", "crawler-views", "progress-opt-ins", "resume-links-made",
        "resume-links-used", "offline-copies-made", "offline-copies-removed", "feed-fetches",
    ];
}

/// <summary>A tally's count on one UTC day.</summary>
public readonly record struct DailyCount(DateOnly Day, Tally Tally, long Count);
