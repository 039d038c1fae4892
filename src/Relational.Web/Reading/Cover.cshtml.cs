using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Relational.Content;
using Relational.Progress;
using Relational.Safety;
using Relational.Site;

namespace Relational.Reading;

[SameForEveryAnonymousReader]
public sealed class CoverModel(CatalogueProvider catalogue, PublicUrls urls, IOptions<SiteOptions> site, ProgressForPages progress) : PageModel
{
    public Article Article { get; private set; } = default!;

    public ProgressView Progress { get; private set; } = ProgressView.Off;

    /// <summary>Where this page's links lead: neutral addresses when it was reached discreetly.</summary>
    public SeriesLinks Links { get; private set; } = SeriesLinks.Plain;

    /// <summary>An article's cover, at its own address or at its neutral one (<c>/read/{id}/contents</c>).</summary>
    public async Task<IActionResult> OnGetAsync(string? article, string? id)
    {
        var content = catalogue.Current;
        if ((id is not null ? DiscreetMode.FindArticle(content, id) : content.FindArticle(article ?? "")) is not { } found)
        {
            return NotFound();
        }

        Article = found;
        Links = SeriesLinks.For(Request);
        Progress = await progress.FindAsync(HttpContext);
        var image = PreviewCards.Path(PreviewCard.For(found));
        new PageMeta(found.Title, found.Description, Links.Cover(found), "article", found.Author)
        {
            Credit = found.Credit,
            Image = (image, $"{found.Title}, a reading series in {found.Parts.Length} short parts."),
            LinkedData = LinkedData.ForCover(found, site.Value.Name, path => urls.Absolute(Request, path), image),
            Feed = (Feeds.PathOf(found), Feeds.TitleOf(found)),
        }.ApplyTo(ViewData);
        return Page();
    }
}
