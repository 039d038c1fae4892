using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Relational.Content;
using Relational.Performance;
using Relational.Progress;
using Relational.Site;

namespace Relational.Reading;

[SameForEveryAnonymousReader]
public sealed class SectionModel(CatalogueProvider catalogue, PublicUrls urls, ProgressForPages progress) : PageModel
{
    public Article Article { get; private set; } = default!;

    public Section Section { get; private set; } = default!;

    public string ShareUrl { get; private set; } = "";

    public ProgressView Progress { get; private set; } = ProgressView.Off;

    public async Task<IActionResult> OnGetAsync(string article, string section)
    {
        var content = catalogue.Current;
        if (content.FindArticle(article) is not { } foundArticle
            || foundArticle.FindSection(section) is not { } foundSection)
        {
            return NotFound();
        }

        Article = foundArticle;
        Section = foundSection;
        Progress = await progress.ForSectionAsync(HttpContext, foundArticle, foundSection);
        var path = foundArticle.SectionUrl(foundSection);
        ShareUrl = urls.Absolute(Request, path);
        new PageMeta($"{foundSection.Title} — Part {foundSection.Number} of {foundArticle.Sections.Length}", foundSection.Excerpt, path, "article")
            .ApplyTo(ViewData);
        return Page();
    }
}
