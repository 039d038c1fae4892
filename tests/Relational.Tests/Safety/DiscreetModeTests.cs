using Relational.Safety;
using Relational.Tests.Fixtures;
namespace Relational.Tests.Safety;

/// <summary>
/// A link shared in discreet mode (<c>?discreet=1</c>) shows only "Reading" in the tab, the
/// history and a share preview: nothing that says what is being read.
/// </summary>
public sealed class DiscreetModeTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    private const string Part = Series.Url + "/safety-is-built-not-assumed";

    [Theory]
    [InlineData(Part)]
    [InlineData(Series.Url)]
    [InlineData(Series.WholeUrl)]
    [InlineData("/")]
    [InlineData("/staying-safe")]
    public async Task A_discreet_link_gives_a_neutral_title_and_no_description(string path)
    {
        using var client = site.CreateClient();

        var page = await client.GetDocumentAsync(path + "?discreet=1");

        Assert.Equal("Reading", page.Title);
        Assert.Equal("Reading", page.QuerySelector("meta[property='og:title']")?.GetAttribute("content"));
        Assert.Null(page.QuerySelector("meta[name=description]"));
        Assert.Null(page.QuerySelector("meta[property='og:description']"));
        Assert.Null(page.QuerySelector("meta[property='og:site_name']"));
        var head = page.Head!.OuterHtml;
        Assert.DoesNotContain("trauma", head.Replace(Series.Slug, "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_text_itself_is_still_there_to_read()
    {
        using var client = site.CreateClient();

        var page = await client.GetDocumentAsync(Part + "?discreet=1");

        Assert.Equal("Safety Is Built, Not Assumed", page.QuerySelector("h1")!.TextContent.Trim(), ignoreCase: true);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?discreet=0")]
    [InlineData("?discreet=yes")]
    public async Task Without_it_the_page_has_its_own_title_and_description(string query)
    {
        using var client = site.CreateClient();

        var page = await client.GetDocumentAsync(Part + query);

        Assert.Contains("Safety", page.Title, StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector("meta[name=description]")?.GetAttribute("content")));
    }

    [Fact]
    public async Task A_part_has_a_neutral_address_with_a_neutral_head_that_asks_not_to_be_indexed()
    {
        using var client = site.CreateClient();
        var part = TestReader.Article.Parts[5];
        var neutral = DiscreetMode.AddressOf(TestReader.Article, part);
        Assert.Matches("^/read/[0-9a-f]{10}$", neutral);

        var page = await client.GetDocumentAsync(neutral);

        Assert.Equal(part.Title, page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal(DiscreetMode.NeutralTitle, page.Title);
        Assert.Equal("http://localhost" + neutral, page.QuerySelector("link[rel=canonical]")!.GetAttribute("href"));
        Assert.Equal("http://localhost" + neutral, page.QuerySelector("meta[property='og:url']")!.GetAttribute("content"));
        Assert.Equal("noindex", page.QuerySelector("meta[name=robots]")?.GetAttribute("content"));
        Assert.Equal("http://localhost" + neutral, page.QuerySelector("[data-share-address]")!.GetAttribute("href"));
        Assert.All(["trauma", "healing", "relationship", "safety", "itclinic"],
            word => Assert.DoesNotContain(word, page.Head!.OuterHtml, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_discreet_link_points_its_canonical_at_the_neutral_address_and_the_share_control_knows_it()
    {
        using var client = site.CreateClient();
        var neutral = "http://localhost" + DiscreetMode.AddressOf(TestReader.Article, TestReader.Article.Parts[5]);

        var discreet = await client.GetDocumentAsync(Part + "?discreet=1");
        var plain = await client.GetDocumentAsync(Part);

        Assert.Equal(neutral, discreet.QuerySelector("link[rel=canonical]")!.GetAttribute("href"));
        Assert.Equal(neutral, plain.QuerySelector("[data-share]")!.GetAttribute("data-share-discreet"));
        Assert.Null(plain.QuerySelector("meta[name=robots]"));
    }

    [Theory]
    [InlineData("/read/0000000000")]
    [InlineData("/read/healing")]
    [InlineData("/read/")]
    public async Task A_neutral_address_that_names_no_part_is_not_found(string path)
    {
        using var client = site.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
