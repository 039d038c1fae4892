using System.Text.Json;
using AngleSharp.Dom;
using Microsoft.Extensions.DependencyInjection;
using Relational.Content;
using Relational.Reading;

namespace Relational.Tests.Content;

/// <summary>The content and the site for <see cref="ArticleCreditTests"/>, made once.</summary>
public sealed class AuthoringSite : IDisposable
{
    public AuthoringSite() => Site = new SiteFactory().With("Content:Path", Content.Root);

    public AuthoringContent Content { get; } = new();

    public SiteFactory Site { get; }

    public void Dispose()
    {
        Site.Dispose();
        Content.Dispose();
    }
}

/// <summary>Each article credits its own author, wherever the site names one; the site names none of its own.</summary>
public sealed class ArticleCreditTests(AuthoringSite fixture) : IClassFixture<AuthoringSite>
{
    private const string SecondCredit = "“Written for the tests.” — Ada Example";

    [Fact]
    public async Task A_part_of_a_second_author_names_them_in_the_byline_footer_head_and_linked_data_and_never_the_first_author()
    {
        var page = await fixture.Site.CreateClient().GetDocumentAsync("/second-article/first-part");

        Assert.Equal("By Ada Example. A short read, under a minute.", page.QuerySelector(".part__byline")!.TextContent.Trim());
        Assert.Equal(SecondCredit, page.QuerySelector("footer .site-footer__attribution")!.TextContent.Trim());
        Assert.Equal("Ada Example", page.QuerySelector("meta[name=author]")!.GetAttribute("content"));
        Assert.Equal("Ada Example", LinkedData(page, "Article").GetProperty("author").GetProperty("name").GetString());
        Assert.DoesNotContain("ITClinic", page.DocumentElement.OuterHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cover_of_a_second_author_credits_them_on_the_page_the_footer_the_linked_data_and_the_preview_card()
    {
        var page = await fixture.Site.CreateClient().GetDocumentAsync("/second-article");

        Assert.Equal(SecondCredit, page.QuerySelector(".cover__attribution")!.TextContent.Trim());
        Assert.Equal(SecondCredit, page.QuerySelector("footer .site-footer__attribution")!.TextContent.Trim());
        Assert.Equal("Ada Example", LinkedData(page, "CreativeWorkSeries").GetProperty("author").GetProperty("name").GetString());
        // The preview image the page names is the card with this article's credit at its foot.
        var image = new Uri(page.QuerySelector("meta[property='og:image']")!.GetAttribute("content")!).AbsolutePath;
        var version = Path.GetFileNameWithoutExtension(image);
        var catalogue = fixture.Site.Services.GetRequiredService<CatalogueProvider>().Current;
        Assert.Equal(SecondCredit, fixture.Site.Services.GetRequiredService<PreviewCards>().Find(catalogue, fixture.Site.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Relational.Site.SiteOptions>>().Value.Name, version)!.Foot);
        Assert.DoesNotContain("ITClinic", page.DocumentElement.OuterHtml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/staying-safe")]
    [InlineData("/preferences")]
    public async Task A_page_of_no_article_has_no_credit_in_its_footer(string path)
    {
        var page = await fixture.Site.CreateClient().GetDocumentAsync(path);

        Assert.Null(page.QuerySelector("footer .site-footer__attribution"));
        Assert.DoesNotContain("ITClinic", page.QuerySelector("footer")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Ada Example", page.QuerySelector("footer")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_article_keeps_its_own_credit_on_its_parts_beside_the_second()
    {
        var page = await fixture.Site.CreateClient().GetDocumentAsync(Series.PartUrl(1));

        Assert.Equal("“Create the Whole Human.” — ITClinic", page.QuerySelector("footer .site-footer__attribution")!.TextContent.Trim());
        Assert.DoesNotContain("Ada Example", page.DocumentElement.OuterHtml, StringComparison.Ordinal);
    }

    private static JsonElement LinkedData(IDocument page, string type) =>
        page.QuerySelectorAll("script[type='application/ld+json']")
            .Select(script => JsonDocument.Parse(script.TextContent).RootElement)
            .Single(block => block.GetProperty("@type").GetString() == type);
}
