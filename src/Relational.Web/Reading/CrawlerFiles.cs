using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Relational.Content;
using Relational.Site;

namespace Relational.Reading;

/// <summary>
/// The files crawlers ask for by name that depend on the site: robots.txt and sitemap.xml (every
/// cover, part and feed, lastmod from the <c>updated</c> dates in the content's front matter).
/// favicon.ico and apple-touch-icon.png are static files in wwwroot.
/// </summary>
public static class CrawlerFiles
{
    private static readonly XNamespace Sitemap = "http://www.sitemaps.org/schemas/sitemap/0.9";

    public static WebApplication MapCrawlerFiles(this WebApplication app)
    {
        app.MapMethods("/robots.txt", [HttpMethods.Get, HttpMethods.Head], (HttpContext context, PublicUrls urls, LinkGenerator links) =>
        {
            Cache(context, TimeSpan.FromHours(1));
            // A reader's own pages (the progress page and the resume links under it) are nobody's
            // business; neutral addresses say noindex themselves.
            var progress = links.GetPathByPage(Progress.ProgressPageModel.PageName);
            return Results.Text($"User-agent: *\nDisallow: {progress}\n\nSitemap: {urls.Absolute(context.Request, "/sitemap.xml")}\n", "text/plain", Encoding.UTF8);
        });
        app.MapMethods("/sitemap.xml", [HttpMethods.Get, HttpMethods.Head], (HttpContext context, PublicUrls urls, CatalogueProvider catalogue) =>
        {
            Cache(context, TimeSpan.FromHours(1));
            return Results.Text(SitemapXml(catalogue.Current, path => urls.Absolute(context.Request, path)), "application/xml", Encoding.UTF8);
        });
        return app;
    }

    internal static string SitemapXml(ContentCatalogue content, Func<string, string> absolute)
    {
        var urls = new List<XElement> { Url(absolute("/"), content.Articles.Select(a => a.LastChanged).Max()) };
        foreach (var article in content.Articles)
        {
            urls.Add(Url(absolute(article.Url), article.LastChanged));
            urls.AddRange(article.Parts.Select(part => Url(absolute(article.PartUrl(part)), part.Updated)));
            urls.Add(Url(absolute(Feeds.PathOf(article)), article.LastChanged));
        }

        urls.Add(Url(absolute(Feeds.SitePath), content.Articles.Select(a => a.LastChanged).Max()));

        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + new XElement(Sitemap + "urlset", urls) + "\n";
    }

    /// <summary>A sitemap entry; without a date from the content it has no lastmod rather than a guessed one.</summary>
    private static XElement Url(string location, DateOnly? lastChanged) =>
        new(Sitemap + "url",
            new XElement(Sitemap + "loc", location),
            lastChanged is { } date ? new XElement(Sitemap + "lastmod", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : null);

    private static void Cache(HttpContext context, TimeSpan lifetime) =>
        context.Response.Headers.CacheControl = $"public, max-age={(int)lifetime.TotalSeconds}";
}
