using Relational.Content;

namespace Relational.Reading;

public static class ReadingExtensions
{
    public static WebApplicationBuilder AddReading(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<RouteOptions>(options =>
            options.SetParameterPolicy<SlugRouteConstraint>(SlugRouteConstraint.Name));
        return builder;
    }

    public static WebApplication MapReader(this WebApplication app)
    {
        // Load the catalogue now, not on the first request: a broken content file stops start-up
        // here, with a message naming the file.
        _ = app.Services.GetRequiredService<CatalogueProvider>();
        return app;
    }
}
