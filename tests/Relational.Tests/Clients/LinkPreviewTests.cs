using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Relational.Content;
using Relational.Reading;
using Relational.Safety;
using Relational.Tests.Fixtures;
using SkiaSharp;

namespace Relational.Tests.Clients;

/// <summary>
/// A shared part as a chat app unfurls it: its preview tags read by open-graph-scraper (from the
/// pinned npm lock file, with a chat app's user agent), then the image fetched and decoded.
/// </summary>
public sealed class LinkPreviewTests(LiveSite site) : IClassFixture<LiveSite>
{
    [Fact]
    public async Task Every_part_unfurls_as_a_large_card_with_its_own_image_and_written_summary()
    {
        var article = site.Services.GetRequiredService<CatalogueProvider>().Current.Articles.Single();
        var previews = await ClientTool.NodeAsync("previews.mjs", article.Parts.Select(s => new Uri(site.Address, article.PartUrl(s)).ToString()));

        Assert.Equal(article.Parts.Length, previews.Count);
        var images = new HashSet<string>();
        using var client = site.CreateLiveClient();
        for (var i = 0; i < previews.Count; i++)
        {
            var part = article.Parts[i];
            var tags = previews[i].GetProperty("result");
            Assert.Equal("summary_large_image", tags.GetProperty("twitterCard").GetString());
            Assert.Equal(part.Summary, tags.GetProperty("ogDescription").GetString());
            Assert.StartsWith(part.Title, tags.GetProperty("ogTitle").GetString(), StringComparison.Ordinal);
            var image = tags.GetProperty("ogImage").EnumerateArray().Single();
            Assert.Equal("1200", image.GetProperty("width").GetString());
            Assert.Equal("630", image.GetProperty("height").GetString());
            Assert.Contains($"Part {part.Number} of 10", image.GetProperty("alt").GetString(), StringComparison.Ordinal);
            var url = image.GetProperty("url").GetString()!;
            Assert.StartsWith(site.Address.ToString(), url, StringComparison.Ordinal);
            images.Add(url);

            await AssertCardAsync(client, url);
        }

        Assert.Equal(article.Parts.Length, images.Count);
    }

    [Fact]
    public async Task A_discreet_address_unfurls_as_the_neutral_card_with_nothing_about_the_topic()
    {
        var article = site.Services.GetRequiredService<CatalogueProvider>().Current.Articles.Single();
        var neutral = new Uri(site.Address, DiscreetMode.AddressOf(article, article.Parts[5])).ToString();

        var tags = (await ClientTool.NodeAsync("previews.mjs", [neutral])).Single().GetProperty("result");

        Assert.Equal(DiscreetMode.NeutralTitle, tags.GetProperty("ogTitle").GetString());
        Assert.Equal(neutral, tags.GetProperty("ogUrl").GetString());
        Assert.False(tags.TryGetProperty("ogDescription", out _));
        var image = tags.GetProperty("ogImage").EnumerateArray().Single().GetProperty("url").GetString()!;
        Assert.Equal(new Uri(site.Address, PreviewCards.Path(PreviewCard.Neutral)).ToString(), image);
        using var client = site.CreateLiveClient();
        await AssertCardAsync(client, image);
        var words = JsonSerializer.Serialize(tags);
        Assert.All(["trauma", "healing", "relationship", "part 6", "itclinic"], word => Assert.DoesNotContain(word, words, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_home_page_unfurls_as_a_large_card_of_its_own_that_names_no_topic()
    {
        var article = site.Services.GetRequiredService<CatalogueProvider>().Current.Articles.Single();
        var home = new Uri(site.Address, "/").ToString();

        var tags = (await ClientTool.NodeAsync("previews.mjs", [home])).Single().GetProperty("result");

        Assert.Equal("summary_large_image", tags.GetProperty("twitterCard").GetString());
        var image = tags.GetProperty("ogImage").EnumerateArray().Single();
        Assert.Equal("1200", image.GetProperty("width").GetString());
        Assert.Equal("Relational, a calm, self-guided reading series.", image.GetProperty("alt").GetString());
        var url = image.GetProperty("url").GetString()!;
        Assert.StartsWith(site.Address.ToString(), url, StringComparison.Ordinal);
        // Its own card: not a part's, not the cover's, not the neutral one.
        var others = article.Parts.Select(s => PreviewCard.For(article, s)).Append(PreviewCard.For(article)).Append(PreviewCard.Neutral);
        Assert.All(others, card => Assert.NotEqual(new Uri(site.Address, PreviewCards.Path(card)).ToString(), url));
        using var client = site.CreateLiveClient();
        await AssertCardAsync(client, url);
        var card = PreviewCard.ForSite("Relational");
        Assert.All(["trauma", "healing", "isolation"], word => Assert.DoesNotContain(word, $"{card.Kicker} {card.Title} {card.Subtitle} {card.Foot}", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_card_is_drawn_the_same_every_time_from_the_shipped_font()
    {
        var article = site.Services.GetRequiredService<CatalogueProvider>().Current.Articles.Single();
        var card = PreviewCard.For(article, article.Parts[3]);
        using var one = new PreviewCards();
        using var another = new PreviewCards();

        Assert.Equal(one.Png(card), another.Png(card));
        Assert.NotEqual(one.Png(card), one.Png(PreviewCard.For(article, article.Parts[4])));
    }

    [Fact]
    public async Task A_card_is_the_same_for_a_reader_who_opted_in_and_sets_nothing()
    {
        var article = site.Services.GetRequiredService<CatalogueProvider>().Current.Articles.Single();
        var card = PreviewCards.Path(PreviewCard.For(article, article.Parts[2]));
        using var client = TestReader.SharedClient(site.Address);
        var reader = new TestReader(client);
        (await reader.OptInAsync(article.Parts[2])).Dispose();
        Assert.NotNull(reader.Cookie);
        var stranger = new TestReader(client);

        using var forReader = await reader.GetAsync(card);
        using var forStranger = await stranger.GetAsync(card);

        Assert.Equal(await forStranger.Content.ReadAsByteArrayAsync(), await forReader.Content.ReadAsByteArrayAsync());
        foreach (var response in new[] { forReader, forStranger })
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("Set-Cookie"));
            Assert.True(response.Headers.CacheControl?.Public);
        }
    }

    [Fact]
    public async Task An_image_address_that_names_no_card_is_not_found()
    {
        using var client = site.CreateLiveClient();

        using var response = await client.GetAsync("/previews/000000000000.png");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>The image as a scraper gets it: a PNG of 1200×630 under 300 KB, kept for a year.</summary>
    private static async Task AssertCardAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl?.MaxAge);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.InRange(bytes.Length, 1, 300 * 1024 - 1);
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        Assert.Equal((1200, 630), (bitmap.Width, bitmap.Height));
    }
}
