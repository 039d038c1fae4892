using AngleSharp.Dom;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Reading;

/// <summary>
/// The article as published (the seed text, kept as a fixture) against what readers are served:
/// every line, in order, in its part; short lines as their own paragraphs; bullets as lists.
/// </summary>
public sealed class SeedFidelityTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    private static readonly Seed Article = Seed.Published;

    [Fact]
    public async Task Each_part_page_holds_exactly_its_seed_lines_in_order_as_paragraphs_and_list_items()
    {
        var client = site.CreateClient();
        var cover = await client.GetDocumentAsync(Series.Url);
        Assert.Equal(Article.Title, cover.QuerySelector("h1")!.TextContent.Trim());
        var partLinks = cover.QuerySelectorAll(".contents a").Select(a => a.GetAttribute("href")!).ToList();
        Assert.Equal(Article.Parts.Count, partLinks.Count);

        for (var i = 0; i < Article.Parts.Count; i++)
        {
            var page = await client.GetDocumentAsync(partLinks[i]);
            var seedPart = Article.Parts[i];
            if (seedPart.Heading is not null)
            {
                Assert.Equal(seedPart.Heading, page.QuerySelector("h1")!.TextContent.Trim());
            }

            Assert.Equal(seedPart.Blocks, Blocks(page.QuerySelector("article .prose")!));
        }
    }

    [Fact]
    public async Task The_whole_article_page_holds_every_seed_line_in_order()
    {
        var page = await site.CreateClient().GetDocumentAsync(Series.WholeUrl);

        var served = page.QuerySelectorAll(".whole__part .prose").SelectMany(Blocks).ToList();

        Assert.Equal(Article.Parts.SelectMany(p => p.Blocks), served);
        Assert.Equal(Article.Parts.Skip(1).Select(p => p.Heading), page.QuerySelectorAll(".whole__part h2").Skip(1).Select(h => h.TextContent.Trim()));
    }

    [Fact]
    public async Task Typography_of_the_seed_is_kept()
    {
        var html = await site.CreateClient().GetStringAsync(Series.PartUrl(10));

        Assert.Contains("If you’ve tried to heal through insight, willpower, or solitude—and still feel something unmet—there is nothing wrong with you.", html, StringComparison.Ordinal);
    }

    /// <summary>What a reader sees as separate blocks: each paragraph, and each list item marked as such.</summary>
    private static IEnumerable<string> Blocks(IElement prose) =>
        prose.QuerySelectorAll("p, li").Select(e => (e.LocalName == "li" ? "• " : "") + e.TextContent.Trim());
}
