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
        builder.Services.AddHttpContextAccessor();
        // Every request from outside starts a trace of its own: a client's traceparent must not
        // become the trace id in the log, or a client could tag its requests there.
        builder.Services.AddSingleton<System.Diagnostics.DistributedContextPropagator>(new OwnTraceForEveryRequest());
        builder.Services.AddSerilog((services, logger) =>
        {
            logger
                .MinimumLevel.Information()
                // The host's own request lines carry full URLs (resume tokens among them): keep them out.
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                // After the defaults, so that the Serilog section's levels win (docs/configuration.md).
                .ReadFrom.Configuration(builder.Configuration)
                // No LogContext: all it would add is the host's request scope, whose ids LogPrivacy
                // drops, at a cost on every line. Lines of one request share its trace id.
                // A start-up failure the operator can mend is said by Program.cs in one sentence
                // on standard error; the host's own line would bury it under a stack trace.
                .Filter.ByExcluding(e => e.Exception is { } failure && e.MessageTemplate.Text == "Hosting failed to start" && StartupFailure.Describe(failure) is not null)
                .Enrich.With<LogPrivacy>()
                .Enrich.With(new ErrorRoute(services.GetRequiredService<IHttpContextAccessor>()));
            Serilog.Formatting.ITextFormatter formatter = json
                ? new CompactJsonFormatter()
                : new MessageTemplateTextFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}");
            // Standard output through Serilog's console sink, unless a host of the site (the tests) gives a stream.
            var output = services.GetService<SiteLogOutput>();
            logger.WriteTo.Queued(to =>
            {
                if (output is null)
                {
                    to.Console(formatter);
                }
                else
                {
                    to.Sink(new SiteLogOutput.Lines(formatter, output.Stream));
                }
            });
        },
        // The site's logger is its own, disposed (and flushed) with its host. Left static, every
        // host in a process writes through the last one made, and the first to stop closes it
        // for all of them (the tests host many; one lost its request lines that way).
        preserveStaticLogger: true);
        return builder;
    }

    public static WebApplicationBuilder AddSite(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckedSettings<SiteOptions, SiteChecks>(SiteOptions.Section);
        builder.Services.AddSingleton<PublicUrls>();
        builder.Services.AddRazorPages(options => options.RootDirectory = "/");
        // Text as written (’ — …), not as character references: shorter pages, titles within
        // the length that validators and previews allow, and plain text for text browsers.
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
            options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddRazorComponents();
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary>The request lines' source, whose level override in the Serilog section turns them all on.</summary>
    public const string RequestLogSource = "Serilog.AspNetCore.RequestLoggingMiddleware";

    /// <summary>
    /// One line a request: method, route template (never the raw path, which may hold a resume
    /// token), status and time. No IP address, cookie or query string. Requests that went well are
    /// at Debug, so by default the log holds what needs an operator (4xx at Information, 5xx at
    /// Error, but a 503 refusal at Information) and not a record of who read what when; the level of
    /// <c>Serilog.AspNetCore.RequestLoggingMiddleware</c> turns every line on (docs/configuration.md).
    /// </summary>
    public static WebApplication UseSiteRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            // Given once here (without it the middleware derives a logger for every request).
            options.Logger = RequestLogger(app);
            options.GetLevel = (context, _, exception) => (exception, context.Response.StatusCode) switch
            {
                // A 503 is the site's own calm refusal (the new-reader limit), not a failure.
                (not null, _) or (_, >= 500 and not 503) => LogEventLevel.Error,
                (_, >= 400) => LogEventLevel.Information,
                _ => LogEventLevel.Debug,
            };
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

    /// <summary>Whether requests that went well are logged too (their lines are at Debug).</summary>
    public static bool LogsEveryRequest(this WebApplication app) => RequestLogger(app).IsEnabled(LogEventLevel.Debug);

    /// <summary>Under the middleware's own name, so that its level override applies.</summary>
    private static Serilog.ILogger RequestLogger(WebApplication app) =>
        app.Services.GetRequiredService<Serilog.ILogger>().ForContext(Serilog.Core.Constants.SourceContextPropertyName, RequestLogSource);

    public static WebApplication UseSiteErrorPages(this WebApplication app)
    {
        app.UseExceptionHandler("/status/500");
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        return app;
    }

    public static WebApplication MapSite(this WebApplication app)
    {
        // The container's health probe asks by address, whatever AllowedHosts says.
        app.MapHealthChecks("/healthz").WithMetadata(new AnyHostAttribute());
        StaticAssetCheck.EnsureManifest(app.Environment);
        app.MapStaticAssets();
        app.MapRazorPages().WithStaticAssets();
        StaticAssetCheck.EnsureWhole(app);
        return app;
    }

    internal static string RouteTemplate(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint endpoint ? "/" + endpoint.RoutePattern.RawText?.TrimStart('/') : "(no route)";

    /// <summary>Names the route of the request an error happened in, so repeats of it can be counted (<see cref="SiteLog"/>).</summary>
    private sealed class ErrorRoute(IHttpContextAccessor requests) : Serilog.Core.ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, Serilog.Core.ILogEventPropertyFactory propertyFactory)
        {
            if (logEvent.Exception is not null && requests.HttpContext is { } context)
            {
                logEvent.AddPropertyIfAbsent(new LogEventProperty("RouteTemplate", new ScalarValue(RouteTemplate(context))));
            }
        }
    }
}
