using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Relational.Content;
using Relational.Tests.Progress;

namespace Relational.Tests.Offline;

/// <summary>
/// What the offline worker reads from the site, the manifests, and the answers that erase the copy.
/// (The worker itself, offline, is proved in real Chromium: Relational.Browser.Tests.OfflineTests.)
/// </summary>
public sealed class OfflineEndpointsTests : IDisposable
{
    private readonly SiteFactory _site = new();

    public void Dispose() => _site.Dispose();

    private HttpClient RawClient() => _site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

    [Fact]
    public async Task The_file_list_names_the_cover_every_part_at_both_addresses_the_whole_article_and_the_help_page_at_the_version_served()
    {
        using var client = RawClient();
        using var response = await client.GetAsync("/offline/files");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        using var files = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var catalogue = _site.Services.GetRequiredService<CatalogueProvider>().Current;
        Assert.Equal(catalogue.Version, files.RootElement.GetProperty("version").GetString());

        var pages = files.RootElement.GetProperty("pages").EnumerateArray().Select(p => p.GetString()!).ToList();
        var article = catalogue.Articles.Single();
        Assert.Equal(
            ((string[])["/", article.Url, .. article.Parts.Select(article.PartUrl), .. article.Parts.Select(s => Relational.Safety.DiscreetMode.AddressOf(article, s)),
                article.AllUrl, "/offline", "/staying-safe", "/preferences"]).Order(StringComparer.Ordinal),
            pages.Order(StringComparer.Ordinal));
        foreach (var page in pages)
        {
            using var answer = await client.GetAsync(page);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("text/html", answer.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Removing_the_copy_asks_the_browser_to_erase_cache_and_storage_but_keeps_the_progress_cookie()
    {
        using var client = RawClient();
        using var response = await client.PostFormAsync("/offline/remove");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/offline?done=removed#outcome", response.Headers.Location?.OriginalString);
        Assert.Equal("\"cache\", \"storage\"", Assert.Single(response.Headers.GetValues("Clear-Site-Data")));
        Assert.False(response.Headers.Contains("Set-Cookie"));

        var done = await client.GetDocumentAsync("/offline?done=removed");
        Assert.StartsWith("The offline copy has been removed", done.QuerySelector("#outcome")!.TextContent);
    }

    [Fact]
    public async Task A_removal_with_made_up_fields_erases_nothing()
    {
        using var client = RawClient();
        using var response = await client.PostFormAsync("/offline/remove", [new("anything", "1")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Clear-Site-Data"));
    }

    [Fact]
    public async Task Forgetting_progress_asks_the_browser_to_erase_cache_cookies_and_storage()
    {
        using var client = _site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        using var optIn = await client.PostFormAsync("/progress/remember", Forms.Place());
        using var response = await client.PostFormAsync("/progress/forget");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("\"cache\", \"cookies\", \"storage\"", Assert.Single(response.Headers.GetValues("Clear-Site-Data")));
    }

    [Theory]
    [InlineData("/", "/manifest.webmanifest")]
    [InlineData("/?discreet=1", "/manifest-neutral.webmanifest")]
    public async Task A_page_links_the_manifest_and_discreet_mode_links_the_neutral_one(string path, string manifest)
    {
        using var client = RawClient();
        var page = await client.GetDocumentAsync(path);
        Assert.Equal(manifest, page.QuerySelector("link[rel=manifest]")?.GetAttribute("href"));
    }

    [Theory]
    [InlineData("/manifest.webmanifest", "Relational", "/favicon.svg")]
    [InlineData("/manifest-neutral.webmanifest", "Reading", "/favicon-neutral.svg")]
    public async Task A_manifest_names_the_site_or_only_Reading_and_asks_for_no_app_window(string path, string name, string icon)
    {
        using var client = RawClient();
        using var response = await client.GetAsync(path);

        Assert.Equal("application/manifest+json", response.Content.Headers.ContentType?.MediaType);
        using var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(name, manifest.RootElement.GetProperty("name").GetString());
        Assert.Equal(name, manifest.RootElement.GetProperty("short_name").GetString());
        Assert.Equal(icon, manifest.RootElement.GetProperty("icons")[0].GetProperty("src").GetString());
        // "browser": an ordinary tab, which browsers do not offer to install as an app unasked.
        Assert.Equal("browser", manifest.RootElement.GetProperty("display").GetString());
        using var iconAnswer = await client.GetAsync(icon);
        Assert.Equal(HttpStatusCode.OK, iconAnswer.StatusCode);
    }
}
