using System.Net;
using System.Xml.Linq;
using Relational.Tests.Safety;

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
    public async Task The_sitemap_lists_every_cover_and_part_with_a_date()
    {
        var xml = XDocument.Parse(await site.CreateClient().GetStringAsync("/sitemap.xml"));
        XNamespace ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
        var urls = xml.Root!.Elements(ns + "url").ToList();

        var article = TestReader.Article;
        var expected = new[] { "/", article.Url }.Concat(article.Sections.Select(article.SectionUrl)).Select(p => "http://localhost" + p);
        Assert.Equal(expected, urls.Select(u => u.Element(ns + "loc")!.Value));
        Assert.All(urls, u => Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", u.Element(ns + "lastmod")!.Value));
    }

    [Theory]
    [InlineData("/healing-trauma-in-relationship/no-such-part", "/healing-trauma-in-relationship#contents")]
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
}
