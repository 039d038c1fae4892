using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Relational.Tests.Progress;

namespace Relational.Tests.Safety;

/// <summary>
/// The progress forms carry no antiforgery token, so where a POST comes from is all that keeps
/// another site from posting them. Every form the site has refuses a POST from another site, and
/// one that gives no sign of coming from this site — no <c>Sec-Fetch-Site</c>, no <c>Origin</c>,
/// and no <c>Referer</c> on this origin: each gets the calm 403 page, changes nothing, sets no
/// cookie and erases nothing in the browser. (How every other hostile POST is answered over a raw
/// socket is in <see cref="HostileRequests"/>.)
/// </summary>
public sealed class CrossSitePostTests : IDisposable
{
    /// <summary>Every address that takes one of the site's forms.</summary>
    public static readonly string[] FormPaths =
    [
        "/progress/remember", "/progress/save", "/progress/finished", "/progress/link", "/progress/forget",
        "/progress/resume/" + new string('a', 43), "/offline/remove",
    ];

    private readonly SiteFactory _site = new();

    public void Dispose() => _site.Dispose();

    [Theory]
    [InlineData("cross-site", null)]
    [InlineData("same-site", null)]
    [InlineData(null, "https://elsewhere.example")]
    [InlineData(null, "null")]
    public async Task A_post_from_another_site_is_refused_and_changes_nothing(string? fetchSite, string? origin) =>
        await AssertEveryFormRefusesAsync(request =>
        {
            if (fetchSite is not null)
            {
                request.Headers.Add("Sec-Fetch-Site", fetchSite);
            }

            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }
        });

    [Theory]
    [InlineData(null)]
    [InlineData("https://elsewhere.example" + Series.Url)]
    [InlineData("http://localhost.elsewhere.example" + Series.Url)]
    public async Task A_post_without_Sec_Fetch_Site_or_Origin_and_no_Referer_of_this_site_is_refused_and_changes_nothing(string? referer) =>
        await AssertEveryFormRefusesAsync(request =>
        {
            if (referer is not null)
            {
                request.Headers.Referrer = new Uri(referer);
            }
        });

    /// <summary>The other side of the check: a browser that sends only its Origin is let through.</summary>
    [Fact]
    public async Task A_same_origin_post_without_fetch_metadata_is_accepted_by_its_Origin()
    {
        using var client = _site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

        using var response = await client.PostFormAsync("/progress/remember", Forms.Place(), fetchSite: null, origin: "http://localhost");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
    }

    private async Task AssertEveryFormRefusesAsync(Action<HttpRequestMessage> sign)
    {
        using var client = _site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

        foreach (var path in FormPaths)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(Forms.Place(Series.PartSlug(2))) };
            sign(request);

            using var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.False(response.Headers.Contains("Set-Cookie"), path);
            Assert.False(response.Headers.Contains("Clear-Site-Data"), path);
            Assert.Contains("Nothing was changed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var database = _site.DatabasePath;
        Assert.False(File.Exists(database) && Database.AllRows(database) > 0);
    }
}
