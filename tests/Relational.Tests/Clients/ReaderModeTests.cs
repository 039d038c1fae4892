using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Relational.Content;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Clients;

/// <summary>
/// Firefox's Reader View and read-later apps (Mozilla Readability over jsdom, from the pinned npm
/// lock file) on every part and the whole-article page: they take the part's own text, with its
/// author, and nothing of the navigation, progress or share controls.
/// </summary>
public sealed class ReaderModeTests(LiveSite site) : IClassFixture<LiveSite>
{
    private static readonly Seed Seed = Seed.Published;

    [Fact]
    public async Task Reader_mode_takes_each_part_alone_with_its_author()
    {
        var article = site.Services.GetRequiredService<CatalogueProvider>().Current.Articles.Single();
        var extracted = await ClientTool.NodeAsync("readability.mjs", article.Parts.Select(s => new Uri(site.Address, article.PartUrl(s)).ToString()));

        Assert.Equal(Seed.Parts.Count, extracted.Count);
        for (var i = 0; i < extracted.Count; i++)
        {
            var page = extracted[i];
            var name = $"part {i + 1}";
            Assert.Equal(200, page.GetProperty("status").GetInt32());
            Assert.True(page.GetProperty("readerable").GetBoolean(), $"{name} is not readerable");
            Assert.Equal(article.Author, page.GetProperty("byline").GetString());
            AssertInOrder(name, page, Seed.Parts[i].Blocks);
            AssertNoControls(name, page);
            // Nothing of another part (the way on names the next and previous parts).
            Assert.All(Seed.Parts.Where((_, j) => j != i).SelectMany(p => p.Blocks).Where(b => b.Length > 40),
                other => Assert.DoesNotContain(Plain(other), page.GetProperty("text").GetString()!, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Reader_mode_takes_the_whole_article_without_its_controls()
    {
        var article = site.Services.GetRequiredService<CatalogueProvider>().Current.Articles.Single();
        var page = (await ClientTool.NodeAsync("readability.mjs", [new Uri(site.Address, article.AllUrl).ToString()])).Single();

        Assert.Equal(article.Author, page.GetProperty("byline").GetString());
        AssertInOrder("the whole article", page, Seed.Parts.SelectMany(p => (p.Heading is null ? [] : new[] { p.Heading }).Concat(p.Blocks)));
        AssertNoControls("the whole article", page);
    }

    private static string Plain(string block) => block.StartsWith("• ", StringComparison.Ordinal) ? block[2..] : block;

    /// <summary>Every line of the seed, in order, in the extracted text.</summary>
    private static void AssertInOrder(string name, JsonElement page, IEnumerable<string> blocks)
    {
        var text = page.GetProperty("text").GetString()!;
        var at = 0;
        foreach (var block in blocks.Select(Plain))
        {
            var found = text.IndexOf(block, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"{name}: \"{block}\" is missing or out of order in what reader mode took: {text}");
            at = found + block.Length;
        }
    }

    private static void AssertNoControls(string name, JsonElement page)
    {
        var text = page.GetProperty("text").GetString()!;
        var controls = page.GetProperty("controls").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Contains("Back to contents", controls);
        Assert.All(controls, control => Assert.False(text.Contains(control, StringComparison.Ordinal), $"{name}: reader mode took the control text \"{control}\": {text}"));
    }
}
