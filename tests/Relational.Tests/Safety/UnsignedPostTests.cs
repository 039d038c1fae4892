using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Relational.Tests.Progress;

namespace Relational.Tests.Safety;

/// <summary>
/// The progress forms carry no antiforgery token, so where a POST comes from is all that keeps
/// another site from posting them. A POST that gives no sign of coming from this site — no
/// <c>Sec-Fetch-Site</c>, no <c>Origin</c>, and no <c>Referer</c> on this origin — is refused,
/// changes nothing and sets no cookie.
/// </summary>
public sealed class UnsignedPostTests : IDisposable
{
    private static readonly string[] FormPaths =
        ["/progress/remember", "/progress/save", "/progress/finished", "/progress/link", "/progress/forget", "/progress/resume/" + new string('a', 43)];

    private readonly SiteFactory _site = new();

    public void Dispose() => _site.Dispose();

    [Theory]
    [InlineData(null)]
    [InlineData("https://elsewhere.example/healing-trauma-in-relationship")]
    [InlineData("http://localhost.elsewhere.example/healing-trauma-in-relationship")]
    public async Task A_post_without_Sec_Fetch_Site_or_Origin_and_no_Referer_of_this_site_is_refused_and_changes_nothing(string? referer)
    {
        using var client = _site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

        foreach (var path in FormPaths)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(Forms.Place("before-we-begin")) };
            if (referer is not null)
            {
                request.Headers.Referrer = new Uri(referer);
            }

            using var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.False(response.Headers.Contains("Set-Cookie"), path);
            Assert.Contains("Nothing was changed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var database = Path.Combine(_site.DataDirectory, "progress.db");
        Assert.False(File.Exists(database) && Database.AllRows(database) > 0);
    }
}
