using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Relational.Content;
using Relational.Site;

namespace Relational.Reading;

public sealed class CoverModel(CatalogueProvider catalogue) : PageModel
{
    public Article Article { get; private set; } = default!;

    public IActionResult OnGet(string article)
    {
        if (catalogue.Current.FindArticle(article) is not { } found)
        {
            return NotFound();
        }

        Article = found;
        new PageMeta(found.Title, found.Description, found.Url, "article").ApplyTo(ViewData);
        return Page();
    }
}
