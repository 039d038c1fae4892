using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Relational.Content;
using Relational.Performance;
using Relational.Progress;
using Relational.Site;

namespace Relational.Reading;

[SameForEveryAnonymousReader]
public sealed class CoverModel(CatalogueProvider catalogue, ProgressForPages progress) : PageModel
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
        new PageMeta(found.Title, found.Description, found.Url, "article", found.Author)
        {
            Image = (PreviewCards.Path(PreviewCard.For(found)), $"{found.Title}, a reading series in {found.Sections.Length} short parts."),
        }.ApplyTo(ViewData);
        return Page();
    }
}
