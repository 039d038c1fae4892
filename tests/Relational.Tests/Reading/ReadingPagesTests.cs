using System.Net;
using AngleSharp.Dom;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Reading;

public sealed class ReadingPagesTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    private const string ArticleUrl = Series.Url;

    public static TheoryData<int, string, string> Parts
    {
        get
        {
            var parts = new TheoryData<int, string, string>();
            for (var number = 1; number <= Series.Parts.Count; number++)
            {
                parts.Add(number, Series.PartSlug(number), Series.Parts[number - 1].Title);
            }

            return parts;
        }
    }

    [Theory]
    [MemberData(nameof(Parts))]
    public async Task A_part_page_shows_where_the_reader_is_its_title_a_pause_and_the_way_on(int number, string slug, string title)
    {
        var page = await site.CreateClient().GetDocumentAsync($"{ArticleUrl}/{slug}");

        Assert.Equal(title, page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Single(page.QuerySelectorAll("h1"));
        Assert.Contains($"Part {number} of 10", page.QuerySelector(".part__position")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Healing Trauma in Relationship—Not in Isolation", page.QuerySelector(".part__position")!.TextContent, StringComparison.Ordinal);

        var contents = page.QuerySelectorAll("a").Where(a => a.TextContent.Trim() == "Back to contents").ToList();
        Assert.NotEmpty(contents);

        var next = page.QuerySelector("a[rel=next]");
        var previous = page.QuerySelector("a[rel=prev]");
        var pause = page.QuerySelector("aside.pause");
        if (number < 10)
        {
            Assert.NotNull(next);
            Assert.StartsWith("Continue to the next part", next.TextContent, StringComparison.Ordinal);
            Assert.Contains($"Part {number + 1}:", next.TextContent, StringComparison.Ordinal);
            Assert.NotNull(pause);
            Assert.Contains("Pause", AccessibleName(page, pause), StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(pause.QuerySelector(".pause__prompt")!.TextContent));
            Assert.True(pause.CompareDocumentPosition(page.QuerySelector("article .prose")!).HasFlag(DocumentPositions.Preceding), "the pause comes after the text");
            Assert.True(pause.CompareDocumentPosition(next).HasFlag(DocumentPositions.Following), "the way on comes after the pause");
        }
        else
        {
            Assert.Null(next);
            Assert.Null(pause);
        }

        if (number > 1)
        {
            Assert.NotNull(previous);
            Assert.Contains($"Part {number - 1}:", previous.TextContent, StringComparison.Ordinal);
            Assert.NotNull(page.QuerySelectorAll("a").FirstOrDefault(a => a.TextContent.Contains("start from the beginning", StringComparison.Ordinal)));
        }
        else
        {
            Assert.Null(previous);
        }
    }

    [Theory]
    [MemberData(nameof(Parts))]
    public async Task A_part_page_can_be_shared_with_an_absolute_canonical_link_and_gentle_preview(int number, string slug, string title)
    {
        var client = site.CreateClient();
        var url = $"http://localhost{ArticleUrl}/{slug}";
        var page = await client.GetDocumentAsync($"{ArticleUrl}/{slug}");

        Assert.Equal(url, page.QuerySelector("link[rel=canonical]")!.GetAttribute("href"));
        Assert.Equal(url, Meta(page, "og:url"));
        Assert.Equal("article", Meta(page, "og:type"));
        Assert.Equal("Relational", Meta(page, "og:site_name"));
        Assert.StartsWith(title, Meta(page, "og:title"), StringComparison.Ordinal);
        Assert.Contains($"Part {number} of 10", Meta(page, "og:title"), StringComparison.Ordinal);

        // The summary written for people in the part's front matter.
        Assert.Equal(TestReader.Article.Parts[number - 1].Summary, Meta(page, "og:description"));

        var share = page.QuerySelector("section.share")!;
        Assert.Equal(url, share.QuerySelector("a[data-share-address]")!.GetAttribute("href"));
        Assert.Equal(url, share.QuerySelector("a[data-share-address]")!.TextContent);
    }

    [Fact]
    public async Task The_cover_lists_ten_parts_with_gentle_lengths_a_begin_link_and_the_attribution()
    {
        var page = await site.CreateClient().GetDocumentAsync(ArticleUrl);

        Assert.Equal("Healing Trauma in Relationship—Not in Isolation", page.QuerySelector("h1")!.TextContent.Trim());
        var items = page.QuerySelectorAll(".contents li");
        Assert.Equal(10, items.Length);
        Assert.All(items, item => Assert.Matches("^(under a minute|about \\d+ minutes?)$", item.QuerySelector(".contents__length")!.TextContent.Trim()));
        var begin = page.QuerySelector(".cover__begin a")!;
        Assert.StartsWith("Begin", begin.TextContent, StringComparison.Ordinal);
        Assert.Equal(Series.PartUrl(1), begin.GetAttribute("href"));
        Assert.Contains("“Create the Whole Human.” — ITClinic", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("at any time", page.QuerySelector(".cover__intro")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.GetElementById("contents"));
    }

    [Fact]
    public async Task The_cover_gives_the_whole_series_time_and_each_part_says_under_a_minute()
    {
        var client = site.CreateClient();
        var words = TestReader.Article.Parts.Sum(s => s.WordCount);
        var minutes = (int)Math.Ceiling(words / 180.0);

        var cover = await client.GetDocumentAsync(ArticleUrl);

        Assert.Equal($"10 short parts, about {minutes} minutes in all.", cover.QuerySelector(".cover__length")!.TextContent);
        Assert.All(cover.QuerySelectorAll(".contents__length"), l => Assert.Equal("under a minute", l.TextContent));
        foreach (var number in new[] { 1, 10 })
        {
            var part = await client.GetDocumentAsync(Series.PartUrl(number));
            Assert.Equal("By ITClinic. A short read, under a minute.", part.QuerySelector(".part__byline")!.TextContent);
        }
    }

    [Fact]
    public async Task The_home_page_leads_to_the_article()
    {
        var page = await site.CreateClient().GetDocumentAsync("/");

        Assert.Contains(page.QuerySelectorAll("a"), a => a.GetAttribute("href") == ArticleUrl);
    }

    [Fact]
    public async Task The_whole_article_page_shows_every_part_with_quiet_pauses_between()
    {
        var page = await site.CreateClient().GetDocumentAsync(Series.WholeUrl);

        Assert.Equal(10, page.QuerySelectorAll(".whole__part").Length);
        var pauses = page.QuerySelectorAll("aside.pause--quiet");
        Assert.Equal(9, pauses.Length);
        Assert.All(pauses, p => Assert.Contains("Pause", AccessibleName(page, p), StringComparison.Ordinal));
        Assert.Empty(page.QuerySelectorAll("details.pause__breathing"));
    }

    [Fact]
    public async Task Every_page_has_the_footer_attribution_and_an_exit_link()
    {
        var page = await site.CreateClient().GetDocumentAsync(Series.PartUrl(9));

        Assert.Contains("“Create the Whole Human.” — ITClinic", page.QuerySelector("footer")!.TextContent, StringComparison.Ordinal);
        var exit = page.QuerySelector("a[data-exit-link]")!;
        Assert.Equal("Exit this page", exit.TextContent.Trim());
        Assert.Equal("nofollow noreferrer", exit.GetAttribute("rel"));
        Assert.Equal("en", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal("#main", page.QuerySelector("a.skip-link")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Nothing_about_the_pause_moves_on_by_itself()
    {
        var html = await site.CreateClient().GetStringAsync(Series.PartUrl(1));

        Assert.DoesNotContain("http-equiv=\"refresh\"", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<dialog", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("autoplay", html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/no-such-article")]
    [InlineData(ArticleUrl + "/no-such-part")]
    [InlineData("/no-such-article/before-we-begin")]
    [InlineData("/no-such-article/all")]
    [InlineData(ArticleUrl + "/before-we-begin/more")]
    [InlineData("/status/500")]
    public async Task What_does_not_exist_gets_a_calm_404_with_a_way_back(string path)
    {
        using var response = await site.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var page = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
        Assert.Equal("This page isn’t here", page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Contains(page.QuerySelectorAll("main a"), a => a.GetAttribute("href") is "/" or ArticleUrl + "#contents");
    }

    [Theory]
    [InlineData("/..%2f..%2fetc%2fpasswd")]
    [InlineData(Series.Url + "/..%2f..%2fappsettings.json")]
    [InlineData(Series.Url + "/%2e%2e/%2e%2e/Program.cs")]
    [InlineData(Series.Url + "/%C0%AE%C0%AE")]
    [InlineData(Series.Url + "/%252e%252e%252f")]
    [InlineData(Series.Url + "/..\\..\\web.config")]
    [InlineData("/%F0%9F%98%80")]
    public async Task Hostile_paths_get_a_4xx_never_a_5xx_or_a_file(string path)
    {
        using var response = await site.CreateClient().GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_very_long_path_gets_a_4xx()
    {
        using var response = await site.CreateClient().GetAsync(ArticleUrl + "/" + new string('a', 5000));

        Assert.InRange((int)response.StatusCode, 400, 499);
    }

    [Fact]
    public async Task Health_answers_200_when_the_content_is_loaded()
    {
        using var response = await site.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_answers_a_probe_by_address_that_AllowedHosts_does_not_name_and_pages_do_not()
    {
        using var named = new SiteFactory().With("AllowedHosts", "reading.example.org");
        using var client = named.CreateClient();
        using var probe = new HttpRequestMessage(HttpMethod.Get, "/healthz") { Headers = { Host = "127.0.0.1:8080" } };
        using var page = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "127.0.0.1:8080" } };

        using var probed = await client.SendAsync(probe);
        using var refused = await client.SendAsync(page);

        Assert.Equal(HttpStatusCode.OK, probed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    private static string Meta(IDocument page, string property) =>
        page.QuerySelector($"meta[property='{property}']")?.GetAttribute("content") ?? "";

    private static string AccessibleName(IDocument page, IElement element) =>
        element.GetAttribute("aria-label")
        ?? page.GetElementById(element.GetAttribute("aria-labelledby") ?? "")?.TextContent
        ?? "";
}
