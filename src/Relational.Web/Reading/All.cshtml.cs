using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Relational.Content;
using Relational.Site;

namespace Relational.Reading;

[SameForEveryAnonymousReader]
public sealed class AllModel(CatalogueProvider catalogue) : PageModel
{
    public Article Article { get; private set; } = default!;

    public IActionResult OnGet(string article)
    {
        if (catalogue.Current.FindArticle(article) is not { } found)
        {
            return NotFound();
        }

        Article = found;
        new PageMeta($"{found.Title} — the whole article", found.Description, found.AllUrl, "article", found.Author).ApplyTo(ViewData);
        return Page();
    }
}
