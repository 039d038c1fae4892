using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Relational.Content;
using SkiaSharp;

namespace Relational.Site;

/// <summary>
/// The files crawlers and browsers ask for by name: robots.txt, sitemap.xml (every cover, part and feed,
/// lastmod from the <c>updated</c> dates in the content's front matter), favicon.ico and apple-touch-icon.png (the site's calm circle,
/// drawn once).
/// </summary>
public static class CrawlerFiles
{
    private static readonly XNamespace Sitemap = "http://www.sitemaps.org/schemas/sitemap/0.9";
    private static readonly SKColor Mark = SKColor.Parse("#5b7a6e");
    private static readonly SKColor Background = SKColor.Parse("#fbfaf7");
    private static readonly Lazy<byte[]> FaviconIco = new(() => Ico(Circle(32, SKColors.Transparent)));
    private static readonly Lazy<byte[]> TouchIcon = new(() => Circle(180, Background));

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
        app.MapMethods("/favicon.ico", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
        {
            Cache(context, TimeSpan.FromDays(7));
            return Results.Bytes(FaviconIco.Value, "image/x-icon");
        });
        app.MapMethods("/apple-touch-icon.png", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
        {
            Cache(context, TimeSpan.FromDays(7));
            return Results.Bytes(TouchIcon.Value, "image/png");
        });
        return app;
    }

    internal static string SitemapXml(ContentCatalogue content, Func<string, string> absolute)
    {
        var urls = new List<XElement> { Url(absolute("/"), content.Articles.Select(a => a.LastChanged).Max()) };
        foreach (var article in content.Articles)
        {
            urls.Add(Url(absolute(article.Url), article.LastChanged));
            urls.AddRange(article.Sections.Select(section => Url(absolute(article.SectionUrl(section)), section.Updated)));
            urls.Add(Url(absolute(Reading.Feeds.PathOf(article)), article.LastChanged));
        }

        urls.Add(Url(absolute(Reading.Feeds.SitePath), content.Articles.Select(a => a.LastChanged).Max()));

        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + new XElement(Sitemap + "urlset", urls) + "\n";
    }

    /// <summary>A sitemap entry; without a date from the content it has no lastmod rather than a guessed one.</summary>
    private static XElement Url(string location, DateOnly? lastChanged) =>
        new(Sitemap + "url",
            new XElement(Sitemap + "loc", location),
            lastChanged is { } date ? new XElement(Sitemap + "lastmod", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : null);

    private static void Cache(HttpContext context, TimeSpan lifetime) =>
        context.Response.Headers.CacheControl = $"public, max-age={(int)lifetime.TotalSeconds}";

    private static byte[] Circle(int size, SKColor background)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(background);
            using var paint = new SKPaint { IsAntialias = true, Color = Mark };
            canvas.DrawCircle(size / 2f, size / 2f, size * 0.375f, paint);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>An .ico holding one PNG image, as every browser since 2007 reads it.</summary>
    private static byte[] Ico(byte[] png)
    {
        using var output = new MemoryStream();
        using var writer = new BinaryWriter(output);
        writer.Write((ushort)0); // reserved
        writer.Write((ushort)1); // icon
        writer.Write((ushort)1); // one image
        writer.Write((byte)32); // width
        writer.Write((byte)32); // height
        writer.Write((byte)0); // no palette
        writer.Write((byte)0); // reserved
        writer.Write((ushort)1); // colour planes
        writer.Write((ushort)32); // bits per pixel
        writer.Write(png.Length);
        writer.Write(6 + 16); // where the image starts
        writer.Write(png);
        writer.Flush();
        return output.ToArray();
    }
}
