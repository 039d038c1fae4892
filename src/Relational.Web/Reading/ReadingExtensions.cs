using Microsoft.Extensions.Options;
using Relational.Content;
using Relational.Site;

namespace Relational.Reading;

public static class ReadingExtensions
{
    public static WebApplicationBuilder AddReading(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<RouteOptions>(options =>
            options.SetParameterPolicy<SlugRouteConstraint>(SlugRouteConstraint.Name));
        builder.Services.AddSingleton<PreviewCards>();
        builder.Services.AddSingleton<PageHeads>();
        // Neutral addresses serve the same pages (Safety/DiscreetMode).
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.RazorPages.RazorPagesOptions>(options =>
        {
            options.Conventions.AddPageRoute("/Reading/Part", Safety.DiscreetMode.Route);
            options.Conventions.AddPageRoute("/Reading/Cover", Safety.DiscreetMode.CoverRoute);
            options.Conventions.AddPageRoute("/Reading/All", Safety.DiscreetMode.AllRoute);
        });
        return builder;
    }

    public static WebApplication MapReader(this WebApplication app)
    {
        // Load the catalogue now, not on the first request: a broken content file stops start-up
        // here, with a message naming the file.
        _ = app.Services.GetRequiredService<CatalogueProvider>();

        // A part's preview image, named by its version: a changed title is a new address, so each
        // can be kept for a year.
        app.MapMethods("/previews/{version}.png", [HttpMethods.Get, HttpMethods.Head], (string version, CatalogueProvider catalogue, PreviewCards cards, IOptions<SiteOptions> site, HttpContext context) =>
        {
            if (cards.Find(catalogue.Current, site.Value.Name, version) is not { } card)
            {
                return Results.NotFound();
            }

            context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return Results.Bytes(cards.Png(card), "image/png");
        });

        // An image beside an article's Markdown, at the article's address. It is looked up by name
        // among the images read when the content loaded and served from those bytes: no name a
        // reader sends is ever a path on disk. Its address in a page names its bytes (?v=), so that
        // address is kept for a year; asked for without it, it is revalidated by its ETag.
        app.MapMethods("/{article:slug}/{name}.{extension}", [HttpMethods.Get, HttpMethods.Head], (string article, string name, string extension, CatalogueProvider catalogue, HttpContext context) =>
        {
            if (catalogue.Current.FindArticle(article) is not { } found || !found.Media.TryGetValue($"{name}.{extension}", out var media))
            {
                return Results.NotFound();
            }

            context.Response.Headers.CacheControl = string.Equals(context.Request.Query["v"], media.Hash, StringComparison.Ordinal)
                ? "public, max-age=31536000, immutable"
                : "no-cache";
            if (media.ContentType == "image/svg+xml")
            {
                // Opened on its own, an SVG is a document: it may run nothing and load nothing.
                Safety.SecurityHeaders.Add(context, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
            }

            return Results.Bytes(media.Bytes, media.ContentType, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{media.Hash}\""));
        });
        app.MapCrawlerFiles();
        app.MapFeeds();
        return app;
    }
}
