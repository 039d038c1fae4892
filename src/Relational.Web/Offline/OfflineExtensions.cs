using Microsoft.Extensions.Options;
using Relational.Content;
using Relational.Readership;
using Relational.Safety;
using Relational.Site;

namespace Relational.Offline;

/// <summary>
/// The offline copy a reader may choose to keep (<c>wwwroot/sw.js</c>): the list of what it holds at
/// the content version served now, the web app manifests, and the one-step removal.
/// </summary>
public static class OfflineExtensions
{
    /// <summary>Where "Remove the offline copy" posts: under this feature's own address, beside the page that explains the copy.</summary>
    public const string RemovePath = OfflinePageModel.Path + "/remove";

    /// <summary>
    /// What the browser is asked to erase. "storage" takes the service worker, its caches and any
    /// other storage; it also takes the reading preferences in localStorage, which the page's script
    /// puts back at once (they never leave the device). "cache" drops pages kept in the HTTP cache.
    /// Not "cookies": removing the copy is not forgetting progress.
    /// </summary>
    public const string ClearOnRemove = "\"cache\", \"storage\"";

    /// <summary>"Forget my progress" erases the copy too, and the cookie with it.</summary>
    public const string ClearOnForget = "\"cache\", \"cookies\", \"storage\"";

    public static WebApplication MapOffline(this WebApplication app)
    {
        string[]? fixedPages = null;
        app.MapGet("/offline/files", (CatalogueProvider catalogue, EndpointDataSource endpoints, HttpContext context, HttpResponse response) =>
        {
            response.Headers.CacheControl = "no-store";
            if (string.Equals(context.Request.Query["copy"], "made", StringComparison.Ordinal))
            {
                context.CountForReadership(Measure.OfflineCopiesMade);
            }

            // Read once, on the first request: every endpoint is mapped by then and never changes.
            fixedPages ??= OfflineFiles.FixedPages(endpoints.Endpoints);
            return Results.Json(OfflineFiles.Of(catalogue.Current, fixedPages));
        });
        app.MapGet("/manifest.webmanifest", (IOptions<SiteOptions> site) => Manifest(site.Value.Name, "/favicon.svg"));
        app.MapGet("/manifest-neutral.webmanifest", () => Manifest(Safety.DiscreetMode.NeutralTitle, "/favicon-neutral.svg"));
        app.MapPost(RemovePath, (HttpContext context, HttpResponse response) =>
        {
            context.CountForReadership(Measure.OfflineCopiesRemoved);
            response.Headers["Clear-Site-Data"] = ClearOnRemove;
            response.Headers.CacheControl = "no-store";
            return new SeeOtherResult(OfflinePageModel.RemovedPath);
        }).TakesSiteForm();
        return app;
    }

    /// <summary>
    /// A plain manifest: "display": "browser" opens it in an ordinary tab (the exit and the history
    /// behave as on the site), and makes the site no "app" that a browser would offer to install
    /// unasked. Adding it to a home screen is left to the browser's own menu.
    /// </summary>
    private static IResult Manifest(string name, string icon) => Results.Json(
        new
        {
            name,
            short_name = name,
            start_url = "/",
            scope = "/",
            display = "browser",
            icons = new[] { new { src = icon, sizes = "any", type = "image/svg+xml" } },
        },
        contentType: "application/manifest+json");
}

/// <summary>What the offline copy holds at one content version: every page a reader reads offline, and the images in them.</summary>
public sealed record OfflineFiles(string Version, IReadOnlyList<string> Pages, IReadOnlyList<string> Media)
{
    /// <summary>
    /// The article pages of this catalogue (each part at its own address and at its neutral one,
    /// so a discreet link opens offline too), and the pages at a fixed address.
    /// </summary>
    public static OfflineFiles Of(ContentCatalogue catalogue, IEnumerable<string> fixedPages)
    {
        var pages = new List<string>(fixedPages);
        var media = new List<string>();
        foreach (var article in catalogue.Articles)
        {
            pages.Add(article.Url);
            pages.AddRange(article.Parts.Select(article.PartUrl));
            pages.AddRange(article.Parts.Select(part => DiscreetMode.AddressOf(article, part)));
            pages.Add(article.AllUrl);
            media.AddRange(article.Media.Values.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => m.UrlIn(article.Slug)));
        }

        return new OfflineFiles(catalogue.Version, pages, media);
    }

    /// <summary>
    /// The pages at a fixed address that are the same for every reader (the copy is fetched without
    /// cookies, so it holds nobody's progress), read from the endpoints' metadata so a page added
    /// later is kept too; and this feature's own page, which explains the copy.
    /// </summary>
    public static string[] FixedPages(IEnumerable<Endpoint> endpoints) =>
    [
        .. endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.Parameters.Count == 0
                && endpoint.Metadata.GetMetadata<Site.SameForEveryAnonymousReaderAttribute>() is not null)
            .Select(endpoint => "/" + endpoint.RoutePattern.RawText?.Trim('/'))
            .Append(OfflinePageModel.Path)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal),
    ];
}
