using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Relational.Performance;

public static class PerformanceExtensions
{
    // The pages that are the same for every reader who has not opted in. Any page not listed here
    // (progress, status pages) is rendered afresh for each request.
    private static readonly string[] SnapshotPages =
    [
        "/Reading/Home", "/Reading/Cover", "/Reading/Section", "/Reading/All",
        "/Safety/StayingSafe", "/Site/Preferences",
    ];

    public static WebApplicationBuilder AddPageSnapshots(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PageSnapshotOptions>().BindConfiguration(PageSnapshotOptions.Section);
        builder.Services.AddSingleton<PageSnapshotCache>();
        builder.Services.AddSingleton<CompressedPages>();
        builder.Services.AddResponseCompression();
        builder.Services.Configure<RazorPagesOptions>(options =>
        {
            foreach (var page in SnapshotPages)
            {
                options.Conventions.AddPageRouteModelConvention(page, model =>
                {
                    foreach (var selector in model.Selectors)
                    {
                        selector.EndpointMetadata.Add(SameForEveryAnonymousReader.Instance);
                    }
                });
            }
        });
        return builder;
    }

    /// <summary>
    /// Snapshots are compressed once, when taken, and served from memory before anything else
    /// runs; every other response is compressed as it is written.
    /// </summary>
    public static WebApplication UsePageSnapshots(this WebApplication app)
    {
        app.UseMiddleware<PageSnapshotMiddleware>();
        app.UseResponseCompression();
        return app;
    }
}
