using System.Text.RegularExpressions;
using AngleSharp.Dom;

namespace Relational.Tests.Safety;

/// <summary>
/// Every page the site has, found by following its own links: none loads anything from another
/// origin or names one (the exit link alone excepted), and none holds inline script or style
/// that the Content-Security-Policy would block.
/// </summary>
public sealed partial class OutsideOriginTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    private static readonly Uri Origin = new("http://localhost");

    /// <summary>The exit link the site is configured with (appsettings.json), the one outside address a page may name.</summary>
    private const string ExitUrl = "https://www.bbc.co.uk/weather";

    private const string LinkedData = "script[type='application/ld+json']";

    private const string Vocabulary = "https://schema.org";

    private static readonly string[] UrlAttributes = ["src", "href", "action", "formaction", "srcset", "poster", "data", "cite", "background", "content", "ping"];

    [Fact]
    public async Task No_page_names_an_outside_origin_except_the_exit_link()
    {
        var pages = await CrawlAsync();

        Assert.True(pages.Count >= 14, $"only {pages.Count} pages found");
        foreach (var (path, page) in pages)
        {
            var exitLinks = page.QuerySelectorAll("a[data-exit-link]");
            Assert.Single(exitLinks);
            Assert.Equal(ExitUrl, exitLinks[0].GetAttribute("href"));
            Assert.Contains("noreferrer", exitLinks[0].GetAttribute("rel"), StringComparison.Ordinal);

            foreach (var element in page.All.Where(e => !e.HasAttribute("data-exit-link")))
            {
                foreach (var attribute in element.Attributes.Where(a => UrlAttributes.Contains(a.Name)))
                {
                    foreach (var url in Urls(attribute.Value))
                    {
                        Assert.True(IsOurs(url), $"{path}: <{element.LocalName} {attribute.Name}=\"{attribute.Value}\">");
                    }
                }
            }

            // A JSON-LD block names its vocabulary (@context), which no browser fetches; every
            // address in its data must be the site's own.
            foreach (var block in page.QuerySelectorAll(LinkedData))
            {
                var data = System.Text.Json.Nodes.JsonNode.Parse(block.TextContent)!;
                Assert.Equal(Vocabulary, (string?)data["@context"]);
                data.AsObject().Remove("@context");
                Assert.DoesNotContain(AbsoluteUrl().Matches(data.ToJsonString()).Select(m => m.Value), url => !IsOurs(url));
                block.Remove();
            }

            Assert.DoesNotContain(AbsoluteUrl().Matches(page.DocumentElement.OuterHtml).Select(m => m.Value),
                url => !IsOurs(url) && url != ExitUrl);
        }
    }

    [Fact]
    public async Task No_stylesheet_or_script_reaches_another_origin()
    {
        var pages = await CrawlAsync();
        var assets = pages.Values
            .SelectMany(page => page.QuerySelectorAll("link[href], script[src]"))
            .Select(e => e.GetAttribute("href") ?? e.GetAttribute("src")!)
            .Where(url => url.EndsWith(".css", StringComparison.Ordinal) || url.EndsWith(".js", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        using var client = site.CreateClient();

        Assert.NotEmpty(assets);
        foreach (var asset in assets)
        {
            Assert.True(IsOurs(asset), asset);
            var text = await client.GetStringAsync(asset);
            Assert.DoesNotMatch(CssImport(), text);
            Assert.DoesNotContain(AbsoluteUrl().Matches(text).Select(m => m.Value), url => !IsOurs(url) && !IsNamespace(url));
        }
    }

    [Fact]
    public async Task No_page_has_inline_script_or_style_that_the_policy_would_block()
    {
        foreach (var (path, page) in await CrawlAsync())
        {
            // A JSON-LD block is data the browser never runs, so the policy has nothing to block.
            Assert.All(page.QuerySelectorAll("script").Where(script => !script.Matches(LinkedData)),
                script => Assert.True(script.HasAttribute("src"), $"{path}: inline script"));
            Assert.Empty(page.QuerySelectorAll("style"));
            Assert.Empty(page.QuerySelectorAll("[style]"));
            Assert.Empty(page.All.SelectMany(e => e.Attributes).Where(a => a.Name.StartsWith("on", StringComparison.Ordinal)).Select(a => $"{path}: {a.Name}"));
            Assert.Empty(page.All.SelectMany(e => e.Attributes)
                .Where(a => a.Value.TrimStart().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase))
                .Select(a => $"{path}: {a.Name}"));
        }
    }

    /// <summary>Every page reachable from the home page by the site's own links, and the calm 404.</summary>
    private async Task<Dictionary<string, IDocument>> CrawlAsync()
    {
        using var client = site.CreateClient();
        var pages = new Dictionary<string, IDocument>(StringComparer.Ordinal);
        var queue = new Queue<string>(["/", "/this-page-is-not-here", "/progress"]);
        while (queue.TryDequeue(out var path))
        {
            if (pages.ContainsKey(path))
            {
                continue;
            }

            using var response = await client.GetAsync(path);
            if (response.Content.Headers.ContentType?.MediaType != "text/html")
            {
                continue;
            }

            var page = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
            pages[path] = page;
            foreach (var link in page.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!))
            {
                if (link.StartsWith('/') && !link.StartsWith("//", StringComparison.Ordinal))
                {
                    queue.Enqueue(link.Split('#')[0]);
                }
            }
        }

        return pages;
    }

    private static IEnumerable<string> Urls(string value) =>
        value.Split(',').Select(part => part.Trim().Split(' ')[0]).Where(part => part.Length > 0);

    /// <summary>A relative URL, or an absolute one on the site's own origin.</summary>
    private static bool IsOurs(string url)
    {
        if (url.StartsWith("//", StringComparison.Ordinal))
        {
            return false;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var absolute) || absolute.Scheme is "about" or "file")
        {
            return !url.Contains(':', StringComparison.Ordinal) || url.StartsWith('/') || url.StartsWith('#') || url.StartsWith('?');
        }

        return absolute.Scheme is "http" or "https"
            ? string.Equals(absolute.Authority, Origin.Authority, StringComparison.OrdinalIgnoreCase)
            : false;
    }

    /// <summary>An XML namespace names a specification, it is never fetched.</summary>
    private static bool IsNamespace(string url) => url.StartsWith("http://www.w3.org/", StringComparison.Ordinal);

    [GeneratedRegex(@"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s""'<>)]*", RegexOptions.IgnoreCase)]
    private static partial Regex AbsoluteUrl();

    [GeneratedRegex(@"@import|url\(\s*['""]?(?:https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex CssImport();
}
