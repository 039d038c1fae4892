using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Relational.Content;
using Relational.Safety;
using Relational.Site;

namespace Relational.Reading;

[SameForEveryAnonymousReader]
public sealed class AllModel(CatalogueProvider catalogue) : PageModel
{
    public Article Article { get; private set; } = default!;

    /// <summary>Where this page's links lead: neutral addresses when it was reached discreetly.</summary>
    public SeriesLinks Links { get; private set; } = SeriesLinks.Plain;

    /// <summary>The whole article, at its own address or at its neutral one (<c>/read/{id}/all</c>).</summary>
    public IActionResult OnGet(string? article, string? id)
    {
        var content = catalogue.Current;
        if ((id is not null ? DiscreetMode.FindArticle(content, id) : content.FindArticle(article ?? "")) is not { } found)
        {
            return NotFound();
        }

        Article = found;
        Links = SeriesLinks.For(Request);
        new PageMeta($"{found.Title} — the whole article", found.Description, Links.All(found), "article", found.Author)
        {
            Credit = found.Credit,
            Feed = (Feeds.PathOf(found), Feeds.TitleOf(found)),
        }.ApplyTo(ViewData);
        return Page();
    }
}
