using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Relational.Site;

namespace Relational.Safety;

public static class SafetyExtensions
{
    public static WebApplicationBuilder AddSafety(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckedSettings<SafetyOptions, SafetyChecks>(SafetyOptions.Section);

        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<SafetyOptions>>((forwarded, safety) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The proxy's own entry only: anything further left in the header is the client's word.
            forwarded.ForwardLimit = 1;
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            // A proxy on this machine (nginx in front, as in deploy/) is believed without a setting,
            // as ASP.NET does by default; any other is named in Safety:TrustedProxies.
            forwarded.KnownProxies.Add(IPAddress.Loopback);
            forwarded.KnownProxies.Add(IPAddress.IPv6Loopback);
            foreach (var proxy in safety.Value.TrustedProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });

        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<SafetyOptions>>((kestrel, safety) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestLineSize = safety.Value.MaxRequestLineBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = safety.Value.MaxRequestHeadersBytes;
            kestrel.Limits.MaxRequestHeaderCount = 64;
            kestrel.Limits.MaxRequestBodySize = safety.Value.MaxFormBytes;
        });
        // After the Safety limits above, so that the Kestrel section, where set, has the last word.
        builder.AddConnectionLimits();

        builder.Services.AddOptions<FormOptions>().Configure<IOptions<SafetyOptions>>((form, safety) =>
        {
            form.BufferBodyLengthLimit = safety.Value.MaxFormBytes;
            form.MultipartBodyLengthLimit = safety.Value.MaxFormBytes;
            form.ValueLengthLimit = safety.Value.MaxFormBytes;
            form.MultipartHeadersLengthLimit = 1024;
            form.ValueCountLimit = 32;
            form.KeyLengthLimit = 128;
        });

        // The site's forms have plain field names. jQuery's bracket syntax (a[b]=1) is read by MVC's
        // jQuery value providers, which throw on a key such as `a[` (a 500 for what a client sent);
        // without them such a key is just an unknown field, which the form check answers with 400.
        builder.Services.Configure<MvcOptions>(mvc =>
        {
            mvc.ValueProviderFactories.RemoveType<JQueryFormValueProviderFactory>();
            mvc.ValueProviderFactories.RemoveType<JQueryQueryStringValueProviderFactory>();
        });

        // The host's own filter answers a foreign Host before the error pages can; RequestGuard
        // checks AllowedHosts itself, so the refusal is the calm page.
        builder.Services.PostConfigure<HostFilteringOptions>(options => options.AllowedHosts = ["*"]);

        builder.Services.AddSingleton<HostRule>();
        builder.Services.AddSingleton<NewReaderLimit>();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<SafetyOptions>>((limiter, safety) =>
        {
            var window = TimeSpan.FromSeconds(safety.Value.PostWindowSeconds);
            var permits = safety.Value.PostsPerWindow;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Per client (an IPv4 address or an IPv6 /64), for what changes state (UseRequestGuard lets
            // nothing else reach the limiter); the key is kept in memory only and never logged.
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetFixedWindowLimiter(
                    ClientAddress.PartitionKey(context.Connection.RemoteIpAddress),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 }));
            limiter.OnRejected = (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : window;
                SecurityHeaders.Add(rejected.HttpContext, "Retry-After",
                    Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
                return ValueTask.CompletedTask;
            };
        });
        return builder;
    }

    /// <summary>
    /// The reader's own address and scheme, when a trusted proxy forwards them: before everything
    /// that reads them (the kept pages' scheme, the limit's client, HSTS). With an <c>https</c>
    /// public origin every request is HTTPS, whatever a proxy forwards: readers only ever reach
    /// the site that way, so the cookie is <c>Secure</c> and HSTS is sent even when the proxy does
    /// not say so.
    /// </summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (app.Services.GetRequiredService<IOptions<SiteOptions>>().Value.PublicOriginIsHttps)
        {
            app.Use((context, next) =>
            {
                context.Request.Scheme = Uri.UriSchemeHttps;
                return next(context);
            });
        }

        return app;
    }

    /// <summary>
    /// On every response: pages, static files, 304s and errors. A kept page answered before this
    /// carries them too, since it is kept as it was sent (<see cref="Relational.Performance.KeptPages"/>).
    /// </summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            SecurityHeaders.ApplyWhenStarting(context);
            return next(context);
        });
        return app;
    }

    /// <summary>
    /// Goes right after the error pages, so each refusal is re-executed as the calm status page.
    /// The page cache answers before it, for the requests it would let through (<see cref="HostRule"/>).
    /// </summary>
    public static WebApplication UseRequestGuard(this WebApplication app)
    {
        app.UseWhen(context => !RequestGuard.IsReExecution(context), guarded =>
        {
            guarded.UseMiddleware<RequestGuard>();
            // Reading is never limited, and skipping the limiter keeps it off the reading path. The
            // limit comes before any body is read: a client beyond it costs no read of its body.
            guarded.UseWhen(context => !IsRead(context.Request), changing =>
            {
                changing.UseRateLimiter();
                changing.Use(RequestGuard.ReadUnannouncedBodyAsync);
            });
        });
        return app;
    }

    private static bool IsRead(HttpRequest request) => HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
}
