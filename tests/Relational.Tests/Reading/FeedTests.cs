using System.Net;
using System.ServiceModel.Syndication;
using System.Xml;
using Relational.Safety;
using Relational.Tests.Content;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Reading;

/// <summary>
/// The Atom feeds, read with .NET's own syndication parser (System.ServiceModel.Syndication) as a
/// feed reader would: one entry a part, its summary and absolute link, dates from the content.
/// </summary>
public sealed class FeedTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    private const string FeedUrl = Series.Url + "/feed.xml";

    [Fact]
    public async Task A_feed_reader_finds_one_entry_a_part_with_its_summary_link_date_and_author()
    {
        var article = TestReader.Article;
        using var response = await site.CreateClient().GetAsync(FeedUrl);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType!.MediaType);
        var feed = await ParseAsync(response);

        Assert.Equal(Series.Title, feed.Title.Text);
        Assert.Equal(article.Description, feed.Description.Text);
        Assert.Equal(["ITClinic"], feed.Authors.Select(a => a.Name));
        Assert.Equal("http://localhost" + FeedUrl, feed.Links.Single(l => l.RelationshipType == "self").Uri.ToString());
        Assert.Equal("http://localhost" + Series.Url, feed.Links.Single(l => l.RelationshipType == "alternate").Uri.ToString());
        Assert.Equal(Date(article.LastChanged), feed.LastUpdatedTime);

        var items = feed.Items.ToList();
        Assert.Equal(Series.Parts.Count, items.Count);
        for (var n = 1; n <= items.Count; n++)
        {
            var (item, part) = (items[n - 1], article.Parts[n - 1]);
            Assert.Equal($"{Series.Parts[n - 1].Title} — Part {n} of 10", item.Title.Text);
            Assert.Equal(part.Summary, item.Summary.Text);
            Assert.Equal("http://localhost" + Series.PartUrl(n), item.Id);
            Assert.Equal("http://localhost" + Series.PartUrl(n), item.Links.Single(l => l.RelationshipType == "alternate").Uri.ToString());
            Assert.Equal(Date(part.Updated ?? article.LastChanged), item.LastUpdatedTime);
            Assert.Equal(["ITClinic"], item.Authors.Select(a => a.Name));
        }
    }

    [Fact]
    public async Task The_feed_s_links_use_the_public_origin_when_one_is_set()
    {
        using var named = new SiteFactory().With("Site:PublicOrigin", "https://reading.example.org");

        using var response = await named.CreateClient().GetAsync(FeedUrl);
        var feed = await ParseAsync(response);

        Assert.Equal("https://reading.example.org" + FeedUrl, feed.Links.Single(l => l.RelationshipType == "self").Uri.ToString());
        Assert.All(feed.Items, item => Assert.StartsWith("https://reading.example.org" + Series.Url + "/", item.Links[0].Uri.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_feed_s_dates_come_from_the_content_s_front_matter()
    {
        using var content = new ContentFolder();
        content.Edit(Series.PartFile(3),
            text => text.Replace("updated: 2026-11-26", "updated: 2026-12-01", StringComparison.Ordinal));
        using var changed = new SiteFactory().With("Content:Path", content.Root);

        using var response = await changed.CreateClient().GetAsync(FeedUrl);
        var feed = await ParseAsync(response);

        var december = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(december, feed.LastUpdatedTime);
        Assert.Equal(december, feed.Items.ElementAt(2).LastUpdatedTime);
        Assert.Equal(Date(TestReader.Article.Parts[0].Updated), feed.Items.First().LastUpdatedTime);
    }

    [Fact]
    public async Task Content_with_no_dates_still_gives_a_valid_feed_dated_by_its_files()
    {
        using var content = new ContentFolder();
        var written = new DateTime(2025, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        foreach (var file in Directory.EnumerateFiles(content.ArticleFolder))
        {
            File.WriteAllLines(file, File.ReadAllLines(file).Where(line => !line.StartsWith("updated:", StringComparison.Ordinal)));
            File.SetLastWriteTimeUtc(file, written);
        }

        using var undated = new SiteFactory().With("Content:Path", content.Root);
        using var response = await undated.CreateClient().GetAsync(FeedUrl);
        var feed = await ParseAsync(response);

        Assert.Equal(new DateTimeOffset(written), feed.LastUpdatedTime);
        Assert.All(feed.Items, item => Assert.Equal(new DateTimeOffset(written), item.LastUpdatedTime));
    }

    [Fact]
    public async Task The_site_feed_at_the_root_holds_every_part_of_every_series()
    {
        using var response = await site.CreateClient().GetAsync("/feed.xml");
        var feed = await ParseAsync(response);

        Assert.Equal("Relational", feed.Title.Text);
        Assert.Equal(
            Series.Parts.Select((_, i) => "http://localhost" + Series.PartUrl(i + 1)),
            feed.Items.Select(i => i.Links.Single(l => l.RelationshipType == "alternate").Uri.ToString()));
    }

    [Fact]
    public async Task Every_reader_gets_the_same_feed_revalidated_like_the_pages_and_no_cookie()
    {
        using var live = new LiveSite();
        using var client = TestReader.SharedClient(live.Address);
        var reader = new TestReader(client);
        (await reader.OptInAsync(TestReader.Article.Parts[3])).Dispose();
        using (var finished = await reader.PostAsync("/progress/finished", ("article", Series.Slug), ("part", Series.PartSlug(2))))
        {
            Assert.Equal(HttpStatusCode.SeeOther, finished.StatusCode);
        }

        Assert.NotNull(reader.Cookie);

        using var anonymous = await client.GetAsync(FeedUrl);
        using var opted = await reader.GetAsync(FeedUrl);

        Assert.Equal(await anonymous.Content.ReadAsByteArrayAsync(), await opted.Content.ReadAsByteArrayAsync());
        foreach (var response in new[] { anonymous, opted })
        {
            Assert.False(response.Headers.Contains("Set-Cookie"));
            Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        }

        // A feed reader polling with the ETag it has is told nothing changed.
        using var again = new HttpRequestMessage(HttpMethod.Get, FeedUrl);
        again.Headers.IfNoneMatch.Add(anonymous.Headers.ETag!);
        using var unchanged = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Empty(await unchanged.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(Series.Url, FeedUrl)]
    [InlineData(Series.WholeUrl, FeedUrl)]
    [InlineData(Series.Url + "/safety-is-built-not-assumed", FeedUrl)]
    [InlineData("/", "/feed.xml")]
    public async Task Pages_link_their_feed_for_feed_readers_to_find(string page, string feed)
    {
        var client = site.CreateClient();
        var document = await client.GetDocumentAsync(page);

        var link = Assert.Single(document.QuerySelectorAll("link[rel=alternate][type='application/atom+xml']"));
        Assert.Equal("http://localhost" + feed, link.GetAttribute("href"));
        Assert.EndsWith("(Atom feed)", link.GetAttribute("title"), StringComparison.Ordinal);
        using var response = await client.GetAsync(link.GetAttribute("href"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_discreet_page_links_no_feed()
    {
        var client = site.CreateClient();
        var part = TestReader.Article.Parts[5];

        foreach (var path in new[]
        {
            DiscreetMode.AddressOf(TestReader.Article, part), Series.PartUrl(6) + "?discreet=1",
            DiscreetMode.CoverAddressOf(TestReader.Article), DiscreetMode.AllAddressOf(TestReader.Article),
        })
        {
            var document = await client.GetDocumentAsync(path);
            Assert.Equal(DiscreetMode.NeutralTitle, document.Title);
            Assert.Empty(document.QuerySelectorAll("link[type='application/atom+xml'], a[href$='feed.xml']"));
            Assert.DoesNotContain("feed.xml", document.Head!.OuterHtml, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_cover_says_where_to_follow_the_series()
    {
        var document = await site.CreateClient().GetDocumentAsync(Series.Url);

        var link = document.QuerySelectorAll("main a").Single(a => a.TextContent == "Follow this series in a feed reader");
        Assert.Equal(FeedUrl, link.GetAttribute("href"));
    }

    [Theory]
    [InlineData("/no-such-series/feed.xml")]
    [InlineData("/read/feed.xml")]
    [InlineData(Series.Url + "/before-we-begin/feed.xml")]
    public async Task A_feed_that_does_not_exist_is_a_calm_404(string path)
    {
        using var response = await site.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
    }

    private static async Task<SyndicationFeed> ParseAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var stream = await response.Content.ReadAsStreamAsync();
        using var xml = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, Async = true });
        var atom = new Atom10FeedFormatter();
        Assert.True(atom.CanRead(xml), "the answer is an Atom 1.0 feed");
        atom.ReadFrom(xml);
        return atom.Feed;
    }

    private static DateTimeOffset Date(DateOnly? date) =>
        new(date!.Value.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
