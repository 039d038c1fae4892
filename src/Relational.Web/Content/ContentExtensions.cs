using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Relational.Content;

public static class ContentExtensions
{
    public static WebApplicationBuilder AddContent(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ContentOptions>().BindConfiguration(ContentOptions.Section);
        builder.Services.AddSingleton<CatalogueProvider>();
        builder.Services.AddHealthChecks().AddCheck<CatalogueHealthCheck>("content");
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

    /// <summary>Unhealthy while there is nothing to read.</summary>
    private sealed class CatalogueHealthCheck(CatalogueProvider catalogue) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(catalogue.Current.Articles.IsEmpty ? HealthCheckResult.Unhealthy("no content") : HealthCheckResult.Healthy());
    }
}
