using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Relational.Content;
using Relational.Progress;
using Relational.Site;

namespace Relational.Reading;

[SameForEveryAnonymousReader]
public sealed class CoverModel(CatalogueProvider catalogue, PublicUrls urls, IOptions<SiteOptions> site, ProgressForPages progress) : PageModel
{
    public Article Article { get; private set; } = default!;

    public ProgressView Progress { get; private set; } = ProgressView.Off;

    public async Task<IActionResult> OnGetAsync(string article)
    {
        if (catalogue.Current.FindArticle(article) is not { } found)
        {
            return NotFound();
        }

        Article = found;
        Progress = await progress.FindAsync(HttpContext);
        var image = PreviewCards.Path(PreviewCard.For(found));
        new PageMeta(found.Title, found.Description, found.Url, "article", found.Author)
        {
            Image = (image, $"{found.Title}, a reading series in {found.Sections.Length} short parts."),
            LinkedData = LinkedData.ForCover(found, site.Value.Name, path => urls.Absolute(Request, path), image),
        }.ApplyTo(ViewData);
        return Page();
    }
}
