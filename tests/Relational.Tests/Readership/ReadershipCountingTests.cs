using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Relational.Readership;
using Relational.Tests.Fixtures;
using Relational.Tests.Progress;
using static Relational.Tests.Readership.ReadershipTesting;

namespace Relational.Tests.Readership;

/// <summary>
/// What the publisher's figures count, as a reader's requests reach the real site: each page shown
/// once per request (pages answered from memory before routing too), exact under concurrent
/// requests, and nothing for a request that did not show a reader a page.
/// </summary>
public sealed class ReadershipCountingTests : IDisposable
{
    // AllowedHosts naming the test host, as in production: pages are kept in memory only for the site's own names.
    private readonly SiteFactory _site = new SiteFactory().With("AllowedHosts", "localhost");

    public void Dispose() => _site.Dispose();

    private HttpClient Client() => _site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

    [Fact]
    public async Task Concurrent_views_are_counted_exactly_per_page_kept_pages_included_and_nothing_else_is()
    {
        using var client = Client();
        var part = Series.PartSlug(3);
        var neutral = Relational.Safety.DiscreetMode.AddressOf(TestReader.Article, TestReader.Article.FindPart(part)!);
        var answeredFromMemory = 0;

        async Task Get(string path, Action<HttpRequestMessage>? shape = null, HttpStatusCode expected = HttpStatusCode.OK, HttpMethod? method = null)
        {
            using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
            shape?.Invoke(request);
            using var response = await client.SendAsync(request);
            Assert.Equal(expected, response.StatusCode);
            if (response.Headers.Age is not null)
            {
                Interlocked.Increment(ref answeredFromMemory);
            }
        }

        var requests = new List<Func<Task>>();
        void Times(int n, Func<Task> request) => requests.AddRange(Enumerable.Repeat(request, n));
        Times(59, () => Get(Series.PartUrl(3)));
        Times(19, () => Get(Series.Url));
        Times(9, () => Get(Series.WholeUrl));
        Times(11, () => Get(neutral));
        Times(7, () => Get(Series.PartUrl(3), r => r.Headers.UserAgent.ParseAdd("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")));
        // Not a page shown to a reader: a HEAD, a script's fetch (the offline copy), a prefetch, a missing page.
        Times(5, () => Get(Series.PartUrl(3), method: HttpMethod.Head));
        Times(5, () => Get(Series.PartUrl(3), r => r.Headers.Add("Sec-Fetch-Dest", "empty")));
        Times(5, () => Get(Series.PartUrl(3), r => r.Headers.Add("Sec-Purpose", "prefetch")));
        Times(4, () => Get(Series.Url + "/no-such-part", expected: HttpStatusCode.NotFound));
        // Each page once before the rest, so that the rest can be answered from memory.
        foreach (var path in new[] { Series.PartUrl(3), Series.Url, Series.WholeUrl, neutral })
        {
            await Get(path);
        }

        await Task.WhenAll(requests.OrderBy(_ => Random.Shared.Next()).Select(request => Task.Run(request)));

        Assert.True(answeredFromMemory > 50, $"only {answeredFromMemory} answers came from the kept pages");
        var stored = await _site.Services.StoredTodayAsync();
        Assert.Equal(
            new Dictionary<(string, string, Measure), long>
            {
                [Page(part)] = 60,
                [Page(Tally.Cover)] = 20,
                [Page(Tally.WholeArticle)] = 10,
                [Page(part, Measure.NeutralAddressViews)] = 12,
                [Page(part, Measure.CrawlerViews)] = 7,
            }.OrderBy(p => p.Key.ToString()),
            stored.OrderBy(p => p.Key.ToString()));
    }

    [Fact]
    public async Task A_revalidated_page_counts_and_a_page_kept_in_memory_counts_as_often_as_it_is_answered()
    {
        using var client = Client();
        using (var first = await client.GetAsync(Series.PartUrl(1)))
        {
            Assert.Null(first.Headers.Age);
        }

        for (var i = 0; i < 9; i++)
        {
            using var kept = await client.GetAsync(Series.PartUrl(1));
            Assert.NotNull(kept.Headers.Age);
        }

        using var again = await client.GetAsync(Series.PartUrl(1));
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, Series.PartUrl(1));
        revalidate.Headers.IfNoneMatch.Add(again.Headers.ETag!);
        using var notModified = await client.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        Assert.Equal(12, (await _site.Services.StoredTodayAsync())[Page(Series.PartSlug(1))]);
    }

    [Fact]
    public async Task Opting_in_resume_links_made_and_used_and_offline_copies_made_and_removed_are_counted()
    {
        using var client = Client();
        var reader = new TestReader(client);
        using (var optIn = await reader.OptInAsync(TestReader.Article.Parts[0]))
        {
            Assert.Equal(HttpStatusCode.SeeOther, optIn.StatusCode);
        }

        using var link = await reader.PostAsync("/progress/link");
        var resume = (await Html.ParseAsync(await link.Content.ReadAsStringAsync())).QuerySelector("#resume-url")!.GetAttribute("value")!;
        using (var used = await new TestReader(client).PostAsync(new Uri(resume).AbsolutePath))
        {
            Assert.Equal(HttpStatusCode.SeeOther, used.StatusCode);
        }

        // The offline copy asks for its list more than once; only a first copy's last ask says it was made.
        foreach (var path in new[] { "/offline/files", "/offline/files?copy=made", "/offline/files" })
        {
            using var files = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, files.StatusCode);
        }

        using (var removed = await client.PostFormAsync(Relational.Offline.OfflineExtensions.RemovePath))
        {
            Assert.Equal(HttpStatusCode.SeeOther, removed.StatusCode);
        }

        var stored = await _site.Services.StoredTodayAsync();
        Assert.Equal(1, stored[SiteWide(Measure.ProgressOptIns)]);
        Assert.Equal(1, stored[SiteWide(Measure.ResumeLinksMade)]);
        Assert.Equal(1, stored[SiteWide(Measure.ResumeLinksUsed)]);
        Assert.Equal(1, stored[SiteWide(Measure.OfflineCopiesMade)]);
        Assert.Equal(1, stored[SiteWide(Measure.OfflineCopiesRemoved)]);
    }

    [Theory]
    [InlineData(Series.Slug, "Feedly/1.0 (+http://www.feedly.com/fetcher.html)", true)]
    [InlineData(Series.Slug, "Mozilla/5.0", true)]
    [InlineData("no-such-article", "Mozilla/5.0", false)]
    public void An_endpoint_marked_as_a_feed_counts_a_fetch_of_its_article_whoever_fetches_it(string article, string userAgent, bool counted)
    {
        var context = new DefaultHttpContext { RequestServices = _site.Services };
        context.SetEndpoint(new Endpoint(null, new(new CountedAsAttribute(Measure.FeedFetches)), "an article's feed"));
        context.Request.RouteValues["article"] = article;
        context.Request.Method = "GET";
        context.Request.Headers.UserAgent = userAgent;
        context.Response.StatusCode = 200;

        var tally = ReadershipPages.TallyOf(context);

        Assert.Equal(counted ? new Tally(Series.Slug, Tally.Site, Measure.FeedFetches) : null, tally);
        if (tally is not null)
        {
            Assert.Equal(tally, ReadershipPages.Shown(context, tally));
        }
    }

    [Fact]
    public async Task Feed_fetches_are_counted_per_article_and_for_the_whole_site()
    {
        using var client = Client();
        foreach (var path in new[] { Series.Url + "/feed.xml", Series.Url + "/feed.xml", "/feed.xml", Series.Url + "/feed.xml" })
        {
            using var feed = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        }

        var stored = await _site.Services.StoredTodayAsync();
        Assert.Equal(3, stored[(Series.Slug, Tally.Site, Measure.FeedFetches)]);
        Assert.Equal(1, stored[SiteWide(Measure.FeedFetches)]);
    }

    [Fact]
    public async Task With_counting_off_nothing_is_counted()
    {
        _site.With("Readership:Counting", "false");
        using var client = Client();
        using (var page = await client.GetAsync(Series.PartUrl(2)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        Assert.Empty(await _site.Services.StoredTodayAsync());
    }
}
