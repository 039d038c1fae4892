using System.Net;
using System.Xml.Linq;
using Relational.Tests.Content;
using Relational.Tests.Fixtures;
using Relational.Tests.Progress;

namespace Relational.Tests.Clients;

/// <summary>What crawlers and browsers ask for by name, and the error pages they find.</summary>
public sealed class CrawlerTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    [Theory]
    [InlineData("/robots.txt", "text/plain")]
    [InlineData("/sitemap.xml", "application/xml")]
    [InlineData("/favicon.ico", "image/x-icon")]
    [InlineData("/apple-touch-icon.png", "image/png")]
    public async Task The_files_asked_for_by_name_are_there(string path, string type)
    {
        using var response = await site.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Robots_keep_crawlers_off_a_readers_own_pages_and_on_every_reading_page()
    {
        var robots = await site.CreateClient().GetStringAsync("/robots.txt");
        var disallowed = robots.Split('\n')
            .Where(line => line.StartsWith("Disallow:", StringComparison.Ordinal))
            .Select(line => line["Disallow:".Length..].Trim())
            .ToList();
        bool Allowed(string path) => !disallowed.Any(rule => rule.Length > 0 && path.StartsWith(rule, StringComparison.Ordinal));

        Assert.False(Allowed("/progress"));
        Assert.False(Allowed("/progress/resume/" + new string('a', 43)));
        var article = TestReader.Article;
        Assert.All(new[] { "/", article.Url, article.Url + "/all", "/staying-safe" }.Concat(article.Parts.Select(article.PartUrl)),
            path => Assert.True(Allowed(path), $"{path} is disallowed"));
        Assert.Contains("Sitemap: http://localhost/sitemap.xml", robots, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sitemap_lists_every_cover_part_and_feed_with_a_date()
    {
        var xml = XDocument.Parse(await site.CreateClient().GetStringAsync("/sitemap.xml"));
        XNamespace ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
        var urls = xml.Root!.Elements(ns + "url").ToList();

        var article = TestReader.Article;
        var expected = new[] { "/", article.Url }.Concat(article.Parts.Select(article.PartUrl))
            .Concat([$"{article.Url}/feed.xml", "/feed.xml"]).Select(p => "http://localhost" + p);
        Assert.Equal(expected, urls.Select(u => u.Element(ns + "loc")!.Value));
        // Each part's date is the one its front matter gives; the cover's, the home page's and the feeds', the latest.
        var dates = new[] { article.LastChanged, article.LastChanged }.Concat(article.Parts.Select(s => s.Updated))
            .Concat([article.LastChanged, article.LastChanged])
            .Select(d => d?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(dates, date => Assert.NotNull(date));
        Assert.Equal(dates, urls.Select(u => u.Element(ns + "lastmod")?.Value));
    }

    [Fact]
    public async Task Sitemap_dates_come_from_the_content_and_stay_the_same_when_files_are_touched()
    {
        using var content = new ContentFolder();
        content.Edit(Series.PartFile(3), text => text.Replace("updated: 2026-11-26", "updated: 2026-12-01", StringComparison.Ordinal));
        content.Edit(Series.PartFile(4), text => text.Replace("updated: 2026-11-26\n", "", StringComparison.Ordinal));

        var before = await SitemapAsync(content);
        // A fresh clone or checkout gives every file a new time; the dates must not follow it.
        foreach (var (file, i) in Directory.EnumerateFiles(content.ArticleFolder).Select((f, i) => (f, i)))
        {
            File.SetLastWriteTimeUtc(file, i % 2 == 0 ? DateTime.UtcNow : new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        }

        var after = await SitemapAsync(content);

        Assert.Equal(before, after);
        var lastmod = Lastmods(after);
        Assert.Equal("2026-12-01", lastmod["/"]);
        Assert.Equal("2026-12-01", lastmod[Series.Url]);
        Assert.Equal("2026-12-01", lastmod[Series.PartUrl(3)]);
        Assert.Equal(TestReader.Article.Parts[0].Updated?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), lastmod[Series.PartUrl(1)]);
        // A part whose front matter gives no date gets no lastmod rather than a guessed one.
        Assert.Null(lastmod[Series.PartUrl(4)]);
    }

    private static async Task<string> SitemapAsync(ContentFolder content)
    {
        using var site = new SiteFactory().With("Content:Path", content.Root);
        return await site.CreateClient().GetStringAsync("/sitemap.xml");
    }

    private static Dictionary<string, string?> Lastmods(string sitemap)
    {
        XNamespace ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
        return XDocument.Parse(sitemap).Root!.Elements(ns + "url").ToDictionary(
            u => new Uri(u.Element(ns + "loc")!.Value).AbsolutePath,
            u => u.Element(ns + "lastmod")?.Value,
            StringComparer.Ordinal);
    }

    [Theory]
    [InlineData(Series.Url + "/no-such-part", Series.Url + "#contents")]
    [InlineData("/no-such-article", "/")]
    public async Task A_missing_page_claims_no_address_and_leads_back_to_the_right_list(string path, string way)
    {
        using var response = await site.CreateClient().GetAsync(path);
        var page = await Html.ParseAsync(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(page.QuerySelector("link[rel=canonical]"));
        Assert.Null(page.QuerySelector("meta[property='og:url']"));
        Assert.NotNull(page.QuerySelector($"main a[href='{way}']"));
    }

    [Fact]
    public async Task The_page_refusing_a_cross_site_post_claims_no_address()
    {
        using var response = await site.CreateClient().PostFormAsync("/progress/remember", Forms.Place(), fetchSite: "cross-site");
        var page = await Html.ParseAsync(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(page.QuerySelector("link[rel=canonical]"));
        Assert.Null(page.QuerySelector("meta[property='og:url']"));
    }
}
