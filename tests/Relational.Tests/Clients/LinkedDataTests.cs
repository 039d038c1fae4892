using System.Text.Json;
using AngleSharp.Dom;
using Relational.Safety;
using Relational.Tests.Content;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Clients;

/// <summary>
/// The schema.org data search engines read from a page's JSON-LD blocks: each part names itself,
/// its position and its series; the cover names the series and its parts; a neutral (discreet)
/// page has none, as it must not name its topic.
/// </summary>
public sealed class LinkedDataTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    private const string Origin = "http://localhost";

    [Fact]
    public async Task Every_part_is_an_article_that_names_itself_its_position_and_its_series()
    {
        var article = TestReader.Article;
        using var client = site.CreateClient();

        foreach (var part in article.Parts)
        {
            var page = await client.GetDocumentAsync(article.PartUrl(part));
            var blocks = Blocks(page);
            var canonical = page.QuerySelector("link[rel=canonical]")!.GetAttribute("href");
            var data = Single(blocks, "Article");

            Assert.Equal("https://schema.org", data.GetProperty("@context").GetString());
            Assert.Equal(part.Title, data.GetProperty("headline").GetString());
            Assert.Equal(part.Number, data.GetProperty("position").GetInt32());
            Assert.Equal(Origin + article.PartUrl(part), data.GetProperty("url").GetString());
            Assert.Equal(canonical, data.GetProperty("url").GetString());
            Assert.Equal(part.Summary, data.GetProperty("description").GetString());
            Assert.Equal(article.Author, data.GetProperty("author").GetProperty("name").GetString());
            Assert.Equal("Relational", data.GetProperty("publisher").GetProperty("name").GetString());
            Assert.Equal(page.QuerySelector("meta[property='og:image']")!.GetAttribute("content"), data.GetProperty("image").GetString());
            var series = data.GetProperty("isPartOf");
            Assert.Equal("CreativeWorkSeries", series.GetProperty("@type").GetString());
            Assert.Equal(article.Title, series.GetProperty("name").GetString());
            Assert.Equal(Origin + article.Url, series.GetProperty("url").GetString());

            Assert.Equal(
                new[] { ("Relational", Origin + "/"), (article.Title, Origin + article.Url), (part.Title, Origin + article.PartUrl(part)) },
                Trail(Single(blocks, "BreadcrumbList")));
        }
    }

    [Fact]
    public async Task The_cover_is_the_series_with_its_parts_in_order()
    {
        var article = TestReader.Article;
        using var client = site.CreateClient();

        var blocks = Blocks(await client.GetDocumentAsync(article.Url));
        var series = Single(blocks, "CreativeWorkSeries");

        Assert.Equal("https://schema.org", series.GetProperty("@context").GetString());
        Assert.Equal(article.Title, series.GetProperty("name").GetString());
        Assert.Equal(Origin + article.Url, series.GetProperty("url").GetString());
        Assert.Equal(
            article.Parts.Select(s => (s.Number, s.Title, Origin + article.PartUrl(s))),
            series.GetProperty("hasPart").EnumerateArray().Select(p =>
                (p.GetProperty("position").GetInt32(), p.GetProperty("headline").GetString()!, p.GetProperty("url").GetString()!)));
        Assert.Equal(new[] { ("Relational", Origin + "/"), (article.Title, Origin + article.Url) }, Trail(Single(blocks, "BreadcrumbList")));
    }

    [Fact]
    public async Task A_neutral_page_carries_no_data_that_names_its_topic()
    {
        var article = TestReader.Article;
        using var client = site.CreateClient();
        string[] neutral =
        [
            .. article.Parts.Select(part => DiscreetMode.AddressOf(article, part)),
            article.PartUrl(article.Parts[4]) + "?discreet=1",
            article.Url + "?discreet=1",
        ];

        foreach (var path in neutral)
        {
            var page = await client.GetDocumentAsync(path);
            Assert.Empty(page.QuerySelectorAll("script[type='application/ld+json']"));
            Assert.DoesNotContain("schema.org", page.DocumentElement.OuterHtml, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_title_with_quotes_and_a_closing_script_tag_stays_one_valid_block()
    {
        const string title = "Safety \"Is\" Built </script><script>alert(1)</script> & <!-- Not Assumed";
        using var content = new ContentFolder();
        content.Edit(Series.PartFile(6),
            text => text.Replace("title: \"Safety Is Built, Not Assumed\"", "title: \"Safety \\\"Is\\\" Built </script><script>alert(1)</script> & <!-- Not Assumed\"", StringComparison.Ordinal));
        using var own = new SiteFactory().With("Content:Path", content.Root);
        using var client = own.CreateClient();

        using var response = await client.GetAsync(Series.PartUrl(6));
        var html = await response.Content.ReadAsStringAsync();
        var page = await Html.ParseAsync(html);

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Empty(page.QuerySelectorAll("script:not([src]):not([type='application/ld+json'])"));
        var blocks = Blocks(page);
        Assert.Equal(2, blocks.Count);
        Assert.Equal(title, Single(blocks, "Article").GetProperty("headline").GetString());
        Assert.Equal(title, Trail(Single(blocks, "BreadcrumbList"))[^1].Name);
    }

    /// <summary>Every JSON-LD block of the page, parsed as a search engine parses it (a block that is not JSON fails here).</summary>
    private static List<JsonElement> Blocks(IDocument page) =>
        [.. page.QuerySelectorAll("head script[type='application/ld+json']").Select(script => JsonDocument.Parse(script.TextContent).RootElement)];

    private static JsonElement Single(List<JsonElement> blocks, string type) =>
        Assert.Single(blocks, block => block.GetProperty("@type").GetString() == type);

    private static (string Name, string Item)[] Trail(JsonElement breadcrumbs)
    {
        var items = breadcrumbs.GetProperty("itemListElement").EnumerateArray().ToArray();
        Assert.Equal(Enumerable.Range(1, items.Length), items.Select(item => item.GetProperty("position").GetInt32()));
        return [.. items.Select(item => (item.GetProperty("name").GetString()!, item.GetProperty("item").GetString()!))];
    }
}
