using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Relational.Content;
using Relational.Progress;
using Relational.Safety;
using Relational.Site;

namespace Relational.Reading;

[SameForEveryAnonymousReader]
public sealed class SectionModel(CatalogueProvider catalogue, PublicUrls urls, IOptions<SiteOptions> site, ProgressForPages progress) : PageModel
{
    public Article Article { get; private set; } = default!;

    public Section Section { get; private set; } = default!;

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
    public async Task<IActionResult> OnGetAsync(string? article, string? section, string? id)
    {
        var content = catalogue.Current;
        var found = id is not null
            ? DiscreetMode.Find(content, id)
            : content.FindArticle(article ?? "") is { } a && a.FindSection(section ?? "") is { } s ? (a, s) : null;
        if (found is not var (foundArticle, foundSection))
        {
            return NotFound();
        }

        Article = foundArticle;
        Section = foundSection;
        Progress = await progress.ForSectionAsync(HttpContext, foundArticle, foundSection);
        Links = SeriesLinks.For(Request);
        var discreetPath = DiscreetMode.AddressOf(foundArticle, foundSection);
        var path = Links.Part(foundArticle, foundSection);
        ShareUrl = urls.Absolute(Request, path);
        DiscreetUrl = urls.Absolute(Request, discreetPath);
        var position = $"Part {foundSection.Number} of {foundArticle.Sections.Length}";
        var image = PreviewCards.Path(PreviewCard.For(foundArticle, foundSection));
        new PageMeta($"{foundSection.Title} — {position}", foundSection.Summary, path, "article", foundArticle.Author)
        {
            Credit = foundArticle.Credit,
            Image = (image, $"{foundSection.Title}. {foundArticle.Title}, {position}."),
            LinkedData = LinkedData.ForPart(foundArticle, foundSection, site.Value.Name, p => urls.Absolute(Request, p), image),
            Feed = (Feeds.PathOf(foundArticle), Feeds.TitleOf(foundArticle)),
        }.ApplyTo(ViewData);
        return Page();
    }

}
