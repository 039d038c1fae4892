namespace Relational.Content;

public static class ContentExtensions
{
    public static WebApplicationBuilder AddContent(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ContentOptions>().BindConfiguration(ContentOptions.Section);
        builder.Services.AddSingleton<CatalogueProvider>();
        return builder;
    }

    /// <summary>
    /// Refuses an article or part slug that one of the site's own addresses takes (<see cref="TakenSlugs"/>).
    /// Goes after every <c>Map…</c>: the addresses are read from the endpoints mapped by then.
    /// </summary>
    public static WebApplication KeepContentOffSiteAddresses(this WebApplication app)
    {
        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints);
        app.Services.GetRequiredService<CatalogueProvider>().Reserve(TakenSlugs.From(endpoints));
        return app;
    }
}
