using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.Extensions.Options;
using Relational.Content;
using Relational.Site;

namespace Relational.Reading;

/// <summary>
/// Atom feeds for readers who follow a series in a feed reader: one a series at
/// <c>/{article}/feed.xml</c>, and the whole site's at <c>/feed.xml</c>. One entry a part, with its
/// title, its summary and its address; the text itself is read on the site, with the exit and the
/// pauses beside it. Built from the content alone: no cookie is read, and every reader gets the
/// same bytes, revalidated like the pages (an ETag, <c>no-cache</c>).
/// </summary>
public static class Feeds
{
    public const string ContentType = "application/atom+xml";

    /// <summary>The endpoint names, for whatever needs to find or hook feed requests.</summary>
    public const string SeriesEndpoint = "series-feed";

    public const string SiteEndpoint = "site-feed";

    public const string SeriesRoute = "/{article:slug}/" + FileName;

    public const string SitePath = "/" + FileName;

    private const string FileName = "feed.xml";

    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    public static string PathOf(Article article) => article.Url + "/" + FileName;

    /// <summary>What a browser or feed reader shows for the feed's link in a page's head.</summary>
    public static string TitleOf(Article article) => $"{article.Title} (Atom feed)";

    public static string SiteTitle(string siteName) => $"{siteName} (Atom feed)";

    public static WebApplication MapFeeds(this WebApplication app)
    {
        app.MapMethods(SeriesRoute, [HttpMethods.Get, HttpMethods.Head], (string article, HttpContext context, CatalogueProvider catalogue, PublicUrls urls) =>
            catalogue.Current.FindArticle(article) is { } found
                ? Send(context, SeriesXml(found, path => urls.Absolute(context.Request, path)))
                : Results.NotFound())
            .WithName(SeriesEndpoint)
            .WithMetadata(new Readership.CountedAsAttribute(Readership.Measure.FeedFetches));
        app.MapMethods(SitePath, [HttpMethods.Get, HttpMethods.Head], (HttpContext context, CatalogueProvider catalogue, PublicUrls urls, IOptions<SiteOptions> site) =>
                Send(context, SiteXml(catalogue.Current, site.Value.Name, path => urls.Absolute(context.Request, path))))
            .WithName(SiteEndpoint)
            .WithMetadata(new Readership.CountedAsAttribute(Readership.Measure.FeedFetches));
        return app;
    }

    internal static string SeriesXml(Article article, Func<string, string> absolute) =>
        Xml(article.Title, article.Description, PathOf(article), article.Url, article.Author, [article], absolute);

    internal static string SiteXml(ContentCatalogue content, string siteName, Func<string, string> absolute) =>
        Xml(siteName, "A calm, self-guided reading series. One short part at a time, at your own pace.", SitePath, "/", null, content.Articles, absolute);

    private static string Xml(string title, string subtitle, string self, string alternate, string? author, IEnumerable<Article> articles, Func<string, string> absolute)
    {
        var entries = articles.SelectMany(article => article.Parts.Select(part => Entry(article, part, absolute))).ToList();
        var feed = new XElement(Atom + "feed",
            new XAttribute(XNamespace.Xml + "lang", "en"),
            new XElement(Atom + "id", absolute(alternate)),
            new XElement(Atom + "title", title),
            new XElement(Atom + "subtitle", subtitle),
            Link("self", ContentType, absolute(self)),
            Link("alternate", "text/html", absolute(alternate)),
            new XElement(Atom + "updated", entries.Select(e => e.Updated).Max().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            author is null ? null : Author(author),
            new XElement(Atom + "icon", absolute("/apple-touch-icon.png")),
            entries.Select(e => e.Element));
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + feed + "\n";
    }

    private static (DateTime Updated, XElement Element) Entry(Article article, Part part, Func<string, string> absolute)
    {
        var url = absolute(article.PartUrl(part));
        // The part's own date, else the series', else when its file was written: Atom wants one.
        var updated = (part.Updated ?? article.LastChanged) is { } date
            ? date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)
            : part.Written.UtcDateTime;
        return (updated, new XElement(Atom + "entry",
            new XElement(Atom + "id", url),
            new XElement(Atom + "title", $"{part.Title} — Part {part.Number} of {article.Parts.Length}"),
            Link("alternate", "text/html", url),
            new XElement(Atom + "updated", updated.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            Author(article.Author),
            new XElement(Atom + "summary", new XAttribute("type", "text"), part.Summary)));
    }

    private static XElement Link(string rel, string type, string href) =>
        new(Atom + "link", new XAttribute("rel", rel), new XAttribute("type", type), new XAttribute("href", href));

    private static XElement Author(string name) => new(Atom + "author", new XElement(Atom + "name", name));

    /// <summary>The feed, or 304 when the reader's copy is this one.</summary>
    private static IResult Send(HttpContext context, string xml)
    {
        var bytes = Encoding.UTF8.GetBytes(xml);
        var etag = $"\"{Base64Url.EncodeToString(SHA256.HashData(bytes).AsSpan(0, 16))}\"";
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag)))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(bytes, ContentType + "; charset=utf-8");
    }
}
