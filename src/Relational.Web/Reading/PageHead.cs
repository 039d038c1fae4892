using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.Options;
using Relational.Progress;
using Relational.Safety;
using Relational.Site;

namespace Relational.Reading;

/// <summary>
/// What a page's head says to a reader, a crawler and a link preview, decided by <see cref="PageHeads"/>:
/// the layout prints it as it is. Addresses are absolute; what a neutral head leaves out is null or empty.
/// </summary>
public sealed record PageHead
{
    public required string Title { get; init; }

    /// <summary>
    /// After a progress form, the title discreet mode gives the tab (the reader's preference, applied
    /// in the browser): what the form did, then "Reading". Null otherwise: the tab says "Reading".
    /// </summary>
    public string? NeutralTitle { get; init; }

    public string? Author { get; init; }

    /// <summary>The description, and og:description; none on a neutral page.</summary>
    public string? Description { get; init; }

    /// <summary>Neutral pages and pages that are no address of their own ask search engines not to list them.</summary>
    public bool NoIndex { get; init; }

    /// <summary>The canonical link, and og:url.</summary>
    public string? Canonical { get; init; }

    /// <summary>og:site_name; none on a neutral page.</summary>
    public string? SiteName { get; init; }

    public required string OgType { get; init; }

    public required string OgTitle { get; init; }

    public PreviewImage? Image { get; init; }

    /// <summary>The text of each <c>&lt;script type="application/ld+json"&gt;</c> block, escaped to stay inside it.</summary>
    public IReadOnlyList<string> LinkedData { get; init; } = [];

    /// <summary>The Atom feed's link; none on a neutral page.</summary>
    public (string Url, string Title)? Feed { get; init; }

    /// <summary>The web app manifest: the neutral one names only "Reading".</summary>
    public required string Manifest { get; init; }

    /// <summary>The credit of the article the page belongs to, for the footer.</summary>
    public string? Credit { get; init; }
}

/// <summary>A page's preview card as og:image names it.</summary>
public sealed record PreviewImage(string Url, string Alt)
{
    public string Type => "image/png";

    public int Width => PreviewCards.Width;

    public int Height => PreviewCards.Height;
}

/// <summary>
/// The one place a page's head is decided: from the <see cref="PageMeta"/> the page gave (or the
/// site's own, if none), made neutral on a discreet request (<see cref="DiscreetMode"/>) with the
/// plain preview card, the outcome of a progress form first in the title, and addresses made absolute.
/// </summary>
public sealed class PageHeads(IOptions<SiteOptions> site, PublicUrls urls)
{
    private static readonly string NeutralCard = PreviewCards.Path(PreviewCard.Neutral);

    public PageHead For(ViewDataDictionary viewData, HttpRequest request)
    {
        var meta = PageMeta.From(viewData) ?? new PageMeta(site.Value.Name, "A calm, self-guided reading series.", request.Path);
        var discreet = DiscreetMode.IsRequested(request);
        if (discreet)
        {
            meta = DiscreetMode.Neutral(meta) with { Image = (NeutralCard, DiscreetMode.NeutralTitle) };
        }

        // After a progress form, what it did comes first in the title: read out on arrival.
        var outcome = ProgressOutcome.FromQuery(request);
        return new PageHead
        {
            Title = WithOutcome(outcome, meta.Title),
            NeutralTitle = outcome is null ? null : WithOutcome(outcome, DiscreetMode.NeutralTitle),
            Author = meta.Author,
            Description = discreet ? null : meta.Description,
            NoIndex = discreet || !meta.Canonical,
            Canonical = meta.Canonical ? urls.Absolute(request, meta.Path) : null,
            SiteName = discreet ? null : site.Value.Name,
            OgType = meta.OgType,
            OgTitle = meta.Title,
            Image = meta.Image is { } image ? new PreviewImage(urls.Absolute(request, image.Path), image.Alt) : null,
            LinkedData = [.. meta.LinkedData.Select(Reading.LinkedData.ScriptText)],
            Feed = meta.Feed is { } feed ? (urls.Absolute(request, feed.Path), feed.Title) : null,
            Manifest = discreet ? "/manifest-neutral.webmanifest" : "/manifest.webmanifest",
            Credit = meta.Credit,
        };
    }

    private static string WithOutcome(ProgressOutcome? outcome, string title) => outcome is null ? title : $"{outcome.Title} — {title}";
}
