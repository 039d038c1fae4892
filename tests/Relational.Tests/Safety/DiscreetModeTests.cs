namespace Relational.Tests.Safety;

/// <summary>
/// A link shared in discreet mode (<c>?discreet=1</c>) shows only "Reading" in the tab, the
/// history and a share preview: nothing that says what is being read.
/// </summary>
public sealed class DiscreetModeTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    private const string Part = "/healing-trauma-in-relationship/safety-is-built-not-assumed";

    [Theory]
    [InlineData(Part)]
    [InlineData("/healing-trauma-in-relationship")]
    [InlineData("/healing-trauma-in-relationship/all")]
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
        Assert.DoesNotContain("trauma", head.Replace("healing-trauma-in-relationship", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
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
}
