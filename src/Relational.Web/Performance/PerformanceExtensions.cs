using System.IO.Compression;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Relational.Content;
using Relational.Progress;
using Relational.Site;

namespace Relational.Performance;

public static class PerformanceExtensions
{
    public static WebApplicationBuilder AddPageCaching(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckedSettings<PageCacheOptions, PageCacheChecks>(PageCacheOptions.Section);
        builder.Services.AddSingleton<CanonicalOrigins>();
        builder.Services.AddSingleton<AnonymousPagesPolicy>();
        builder.Services.AddSingleton<KeptPages>();
        builder.Services.AddOutputCache();
        builder.Services.AddOptions<OutputCacheOptions>().Configure<AnonymousPagesPolicy, IOptions<PageCacheOptions>>((cache, policy, pages) =>
        {
            cache.AddBasePolicy(policy);
            cache.SizeLimit = pages.Value.SizeLimitMegabytes * 1024L * 1024;
        });

        // Brotli first (smaller), gzip for the rest; the fastest level, as per-reader pages wait for it.
        builder.Services.AddResponseCompression(options =>
        {
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        });
        builder.Services.Configure<BrotliCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        builder.Services.Configure<GzipCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);

        builder.Services.Configure<MvcOptions>(options => options.Filters.Add(new CanonicalPageFilter()));
        return builder;
    }

    /// <summary>
    /// The output cache decides which pages are kept, keeps them, and answers what
    /// <see cref="KeptPages"/> leaves to it (a revalidation, a page not copied there yet) before
    /// anything further runs: the request log, the error pages, the request guard (Program.cs).
    /// Compression sits inside it, so a kept page is stored compressed and never compressed again;
    /// a page rendered for one request is compressed as it is written.
    /// </summary>
    public static WebApplication UsePageCaching(this WebApplication app)
    {
        app.Services.GetRequiredService<CanonicalOrigins>().WarnIfHostDependent(app.Services.GetRequiredService<ILogger<CanonicalOrigins>>());
        // Entries of an older content version are never looked up again (their key holds the
        // version); evicting them only gives the memory back, so nothing waits for it.
        var store = app.Services.GetRequiredService<IOutputCacheStore>();
        ChangeToken.OnChange(app.Services.GetRequiredService<CatalogueProvider>().GetChangeToken,
            () => _ = store.EvictByTagAsync(AnonymousPagesPolicy.ContentTag, CancellationToken.None).AsTask());

        app.UseOutputCache();
        app.Use(app.Services.GetRequiredService<KeptPages>().CopyAsync);
        app.UseResponseCompression();
        app.Use((context, next) =>
        {
            PageHeaders(context);
            return next(context);
        });
        return app;
    }

    /// <summary>
    /// Before routing: a page the output cache keeps is answered from <see cref="KeptPages"/>, as
    /// the output cache last sent it. Nothing placed after this runs for such a page; its headers
    /// are the ones it was first sent with.
    /// </summary>
    public static WebApplication UseKeptPages(this WebApplication app)
    {
        app.Use(app.Services.GetRequiredService<KeptPages>().AnswerAsync);
        return app;
    }

    /// <summary>Headers a page needs before its first byte, so the cache keeps them with it.</summary>
    private static void PageHeaders(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (ReaderCookie.IsPresent(request))
        {
            // Shaped by the reader's progress: no shared cache may keep it.
            response.OnStarting(MarkPrivate, response);
        }

        if (!SameForEveryAnonymousReaderAttribute.IsOn(context))
        {
            return;
        }

        // These pages hold no secret to guess at through compressed sizes (BREACH): a reader's own
        // page holds only their own place, and the forms carry no token.
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpsCompressionFeature>() is { } https)
        {
            https.Mode = Microsoft.AspNetCore.Http.Features.HttpsCompressionMode.Compress;
        }

        response.Headers.Vary = HeaderNames.AcceptEncoding;
    }

    private static Task MarkPrivate(object state)
    {
        var response = (HttpResponse)state;
        if (Microsoft.Extensions.Primitives.StringValues.IsNullOrEmpty(response.Headers.CacheControl))
        {
            response.Headers.CacheControl = "private, no-cache";
        }

        return Task.CompletedTask;
    }
}
