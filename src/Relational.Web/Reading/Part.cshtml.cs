using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Relational.Content;
using Relational.Progress;
using Relational.Safety;
using Relational.Site;

namespace Relational.Reading;

[SameForEveryAnonymousReader]
public sealed class PartModel(CatalogueProvider catalogue, PublicUrls urls, IOptions<SiteOptions> site, ProgressForPages progress) : PageModel
{
    public Article Article { get; private set; } = default!;

    public Part Part { get; private set; } = default!;

    public string ShareUrl { get; private set; } = "";

    public ProgressView Progress { get; private set; } = ProgressView.Off;

    /// <summary>Where this page's links lead: neutral addresses when it was reached discreetly.</summary>
    public SeriesLinks Links { get; private set; } = SeriesLinks.Plain;

    /// <summary>The part's neutral address (discreet mode copies it).</summary>
    public string DiscreetUrl { get; private set; } = "";

    /// <summary>
    /// A part, reached at its own address or at its neutral one (<c>/read/{id}</c>, see
    /// <see cref="DiscreetMode"/>), which serves the same text under a neutral head.
    /// </summary>
    public async Task<IActionResult> OnGetAsync(string? article, string? part, string? id)
    {
        var content = catalogue.Current;
        var found = id is not null
            ? DiscreetMode.Find(content, id)
            : content.FindArticle(article ?? "") is { } a && a.FindPart(part ?? "") is { } s ? (a, s) : null;
        if (found is not var (foundArticle, foundPart))
        {
            return NotFound();
        }

        Article = foundArticle;
        Part = foundPart;
        Progress = await progress.ForPartAsync(HttpContext, foundArticle, foundPart);
        Links = SeriesLinks.For(Request);
        var discreetPath = DiscreetMode.AddressOf(foundArticle, foundPart);
        var path = Links.Part(foundArticle, foundPart);
        ShareUrl = urls.Absolute(Request, path);
        DiscreetUrl = urls.Absolute(Request, discreetPath);
        var position = $"Part {foundPart.Number} of {foundArticle.Parts.Length}";
        var image = PreviewCards.Path(PreviewCard.For(foundArticle, foundPart));
        new PageMeta($"{foundPart.Title} — {position}", foundPart.Summary, path, "article", foundArticle.Author)
        {
            Credit = foundArticle.Credit,
            Image = (image, $"{foundPart.Title}. {foundArticle.Title}, {position}."),
            LinkedData = LinkedData.ForPart(foundArticle, foundPart, site.Value.Name, p => urls.Absolute(Request, p), image),
            Feed = (Feeds.PathOf(foundArticle), Feeds.TitleOf(foundArticle)),
        }.ApplyTo(ViewData);
        return Page();
    }

}
