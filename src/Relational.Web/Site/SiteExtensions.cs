using Relational.Content;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace Relational.Site;

public static class SiteExtensions
{
    /// <summary>Serilog to the console: readable in Development, compact JSON elsewhere.</summary>
    public static WebApplicationBuilder AddSiteLogging(this WebApplicationBuilder builder)
    {
        var json = !builder.Environment.IsDevelopment();
        builder.Services.AddSerilog((services, logger) =>
        {
            logger
                .ReadFrom.Configuration(builder.Configuration)
                .MinimumLevel.Information()
                // The host's own request lines carry full URLs (resume tokens among them): keep them out.
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                // No LogContext: all it would add is the host's request scope, whose ids LogPrivacy
                // drops, at a cost on every line. Lines of one request share its trace id.
                .Enrich.With<Relational.Safety.LogPrivacy>();
            logger.WriteTo.Sink(new StandardOutputLog(json
                ? new CompactJsonFormatter()
                : new MessageTemplateTextFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}")));
        });
        return builder;
    }

    public static WebApplicationBuilder AddSite(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SiteOptions>().BindConfiguration(SiteOptions.Section);
        builder.Services.AddSingleton<PublicUrls>();
        builder.Services.AddRazorPages(options => options.RootDirectory = "/");
        // Text as written (’ — …), not as character references: shorter pages, titles within
        // the length that validators and previews allow, and plain text for text browsers.
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
            options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddRazorComponents();
        builder.Services.AddHealthChecks().AddCheck<CatalogueHealthCheck>("content");
        return builder;
    }

    /// <summary>
    /// One line a request: method, route template (never the raw path, which may hold a resume
    /// token), status and time. No IP address, cookie or query string.
    /// </summary>
    public static WebApplication UseSiteRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            // Given once here; without it the middleware derives a logger for every request.
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            options.MessageTemplate = "HTTP {RequestMethod} {RouteTemplate} responded {StatusCode} in {Elapsed:0.0} ms";
            options.GetMessageTemplateProperties = (context, _, elapsed, status) =>
            [
                new LogEventProperty("RequestMethod", new ScalarValue(context.Request.Method)),
                new LogEventProperty("RouteTemplate", new ScalarValue(RouteTemplate(context))),
                new LogEventProperty("StatusCode", new ScalarValue(status)),
                new LogEventProperty("Elapsed", new ScalarValue(elapsed)),
            ];
        });
        return app;
    }

    public static WebApplication UseSiteErrorPages(this WebApplication app)
    {
        app.UseExceptionHandler("/status/500");
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        return app;
    }

    public static WebApplication MapSite(this WebApplication app)
    {
        app.MapHealthChecks("/healthz");
        StaticAssetCheck.EnsureManifest(app.Environment);
        app.MapStaticAssets();
        app.MapRazorPages().WithStaticAssets();
        StaticAssetCheck.EnsureWhole(app);
        return app;
    }

    private static string RouteTemplate(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint endpoint ? "/" + endpoint.RoutePattern.RawText?.TrimStart('/') : "(no route)";

    private sealed class CatalogueHealthCheck(CatalogueProvider catalogue) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
    {
        public Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
            Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(catalogue.Current.Articles.IsEmpty
                ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("no content")
                : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());
    }
}
