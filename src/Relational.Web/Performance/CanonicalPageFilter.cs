using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Relational.Site;

namespace Relational.Performance;

/// <summary>
/// A page that is the same for everyone has one address: reached in another case or with a
/// trailing slash (<c>/STAYING-SAFE</c>, <c>/healing-trauma-in-relationship/</c>), it answers 301
/// to that address, query string kept. The address is the page's own canonical path
/// (<see cref="PageMeta.Path"/>) or its literal route, so only a page that exists redirects; a
/// missing one is still 404. A page at its address that the output cache keeps gets its ETag here.
/// </summary>
internal sealed class CanonicalPageFilter : IAsyncPageFilter
{
    private static readonly string Build = typeof(CanonicalPageFilter).Assembly.ManifestModule.ModuleVersionId.ToString("N");

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        var request = context.HttpContext.Request;
        if (executed.Exception is not null || executed.Result is not (null or PageResult)
            || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            || !SameForEveryAnonymousReaderAttribute.IsOn(context.HttpContext))
        {
            return;
        }

        var canonical = CanonicalPath(context);
        // Only another spelling of the same address (case, a trailing slash) redirects; a page that
        // names another address as canonical (a discreet link) is served where it was asked for.
        var path = request.Path.Value ?? "";
        if (canonical is not null && !string.Equals(canonical, path, StringComparison.Ordinal)
            && string.Equals(canonical, path.Length > 1 ? path.TrimEnd('/') : path, StringComparison.OrdinalIgnoreCase))
        {
            executed.Result = new RedirectResult(canonical + SafeQuery(request.QueryString.Value), permanent: true);
            return;
        }

        // A page the output cache will keep: its headers go in with it, set before the first byte.
        if (context.HttpContext.Features.Get<IOutputCacheFeature>()?.Context is { AllowCacheStorage: true } cached)
        {
            var response = context.HttpContext.Response;
            // Revalidated on each view (the content can change); the cache answers 304 itself.
            response.Headers.CacheControl = "no-cache";
            response.Headers.ETag = ETag(request, AnonymousPagesPolicy.ContentVersion(cached));
        }
    }

    /// <summary>
    /// The query as it came, with every character a header cannot carry (a control byte, a space,
    /// anything beyond ASCII) percent-encoded: Kestrel lets such bytes into a query but refuses
    /// them in <c>Location</c>. The query means the same to whoever reads it next.
    /// </summary>
    internal static string SafeQuery(string? query)
    {
        if (string.IsNullOrEmpty(query) || !query.Any(c => c is <= ' ' or >= '\x7F'))
        {
            return query ?? "";
        }

        var safe = new StringBuilder(query.Length * 3);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in query.EnumerateRunes())
        {
            if (rune.Value is > ' ' and < 0x7F)
            {
                safe.Append((char)rune.Value);
                continue;
            }

            foreach (var b in bytes[..rune.EncodeToUtf8(bytes)])
            {
                safe.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return safe.ToString();
    }

    /// <summary>
    /// Names the bytes a kept page is sent as: this build, this content version, this address and
    /// this coding. Whatever changes the page changes one of them.
    /// </summary>
    private static string ETag(HttpRequest request, string contentVersion)
    {
        var coding = request.Headers.AcceptEncoding.ToString();
        var name = $"{Build}\n{contentVersion}\n{request.Scheme}://{request.Host}{request.Path}{request.QueryString}";
        var hash = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16));
        return coding.Length == 0 ? $"\"{hash}\"" : $"\"{hash}-{coding}\"";
    }

    private static string? CanonicalPath(PageHandlerExecutingContext context)
    {
        var template = context.ActionDescriptor.AttributeRouteInfo?.Template;
        if (template is not null && !template.Contains('{', StringComparison.Ordinal))
        {
            return "/" + template;
        }

        return (context.HandlerInstance as PageModel)?.ViewData is { } viewData ? PageMeta.From(viewData)?.Path : null;
    }
}
