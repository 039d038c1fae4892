using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Relational.Tests.Progress;

namespace Relational.Tests.Safety;

/// <summary>
/// OWASP's resource isolation policy on the reader's own pages (<c>/progress</c>): what a browser
/// says in <c>Sec-Fetch-Site</c>, <c>-Mode</c> and <c>-Dest</c> decides. The reader's own site
/// (or their own typing) gets everything; another site may only link to a page (a top-level
/// navigation), and may never start the download of the reader's data; a browser that sends none
/// of these headers (lynx) reads as before. A refusal is the calm 403 page.
/// </summary>
public sealed class FetchMetadataTests : IDisposable
{
    private static readonly string[] Pages = ["/progress", "/progress/resume/" + new string('A', 43)];

    // Sec-Fetch-Mode and -Dest of a link, a frame, an object, an image, a script and a fetch.
    private static readonly (string Mode, string Dest)[] Requests =
    [
        ("navigate", "document"), ("navigate", "iframe"), ("navigate", "object"), ("no-cors", "image"), ("no-cors", "script"), ("cors", "empty"), ("no-cors", "empty"),
    ];

    private readonly SiteFactory _site = new();

    public void Dispose() => _site.Dispose();

    public static TheoryData<string> Sites() => ["same-origin", "none", "same-site", "cross-site"];

    [Theory]
    [MemberData(nameof(Sites))]
    public async Task Another_site_may_only_link_to_a_progress_page_and_the_readers_own_site_may_do_anything(string site)
    {
        using var client = Client();
        foreach (var path in Pages)
        {
            foreach (var (mode, dest) in Requests)
            {
                using var response = await GetAsync(client, path, site, mode, dest);

                var allowed = site is "same-origin" or "none" || (mode, dest) == ("navigate", "document");
                Assert.True(allowed == (response.StatusCode == HttpStatusCode.OK), $"{path} {site} {mode} {dest}: {(int)response.StatusCode}");
                if (!allowed)
                {
                    await AssertCalmRefusalAsync(response);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Sites))]
    public async Task The_download_of_the_readers_data_is_never_answered_to_another_site(string site)
    {
        using var client = Client();
        foreach (var (mode, dest) in Requests)
        {
            using var response = await GetAsync(client, "/progress/export", site, mode, dest);

            if (site is "same-origin" or "none")
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
            }
            else
            {
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                await AssertCalmRefusalAsync(response);
            }
        }
    }

    [Fact]
    public async Task A_browser_that_sends_no_fetch_metadata_reads_and_downloads_as_before()
    {
        using var client = Client();
        foreach (var path in Pages.Append("/progress/export"))
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // A text browser following the page's own link sends this site as its Referer.
        using var fromThePage = new HttpRequestMessage(HttpMethod.Get, "/progress/export");
        fromThePage.Headers.Referrer = new Uri("http://localhost/progress");
        using var downloaded = await client.SendAsync(fromThePage);
        Assert.Equal("attachment", downloaded.Content.Headers.ContentDisposition?.DispositionType);
    }

    [Fact]
    public async Task Without_fetch_metadata_a_download_with_another_sites_Referer_is_refused()
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/progress/export");
        request.Headers.Referrer = new Uri("https://elsewhere.example/page");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await AssertCalmRefusalAsync(response);
    }

    [Fact]
    public async Task A_cross_site_form_post_is_refused_even_as_a_navigation()
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/progress/remember") { Content = new FormUrlEncodedContent(Forms.Place()) };
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        request.Headers.Add("Sec-Fetch-Mode", "navigate");
        request.Headers.Add("Sec-Fetch-Dest", "document");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    private HttpClient Client() =>
        _site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string site, string mode, string dest)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Sec-Fetch-Site", site);
        request.Headers.Add("Sec-Fetch-Mode", mode);
        request.Headers.Add("Sec-Fetch-Dest", dest);
        return await client.SendAsync(request);
    }

    private static async Task AssertCalmRefusalAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentDisposition);
        Assert.Contains("Nothing was changed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
