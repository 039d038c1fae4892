using System.Collections.Immutable;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Relational.Content;
using Relational.Site;

namespace Relational.Reading;

[SameForEveryAnonymousReader]
public sealed class HomeModel(CatalogueProvider catalogue, Microsoft.Extensions.Options.IOptions<SiteOptions> site) : PageModel
{
    public ImmutableArray<Article> Articles { get; private set; }

    public void OnGet()
    {
        Articles = catalogue.Current.Articles;
        new PageMeta("Relational — a calm reading series", "A calm, self-guided reading series. One short part at a time, at your own pace.", "/")
        {
            Feed = (Feeds.SitePath, Feeds.SiteTitle(site.Value.Name)),
            Image = (PreviewCards.Path(PreviewCard.ForSite(site.Value.Name)), $"{site.Value.Name}, a calm, self-guided reading series."),
        }.ApplyTo(ViewData);
    }
}
