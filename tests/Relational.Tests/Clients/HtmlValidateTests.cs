using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Relational.Content;
using Relational.Safety;
using Relational.Tests.Fixtures;
using Relational.Tests.Progress;

namespace Relational.Tests.Clients;

/// <summary>
/// html-validate with its "recommended" preset (from the pinned npm lock file) finds no error on
/// any page: every reading page, its neutral and discreet forms, the site's own pages, the calm 404
/// and 403, and the pages of a reader who opted in.
/// </summary>
public sealed class HtmlValidateTests(LiveSite site) : IClassFixture<LiveSite>
{
    [Fact]
    public async Task Every_page_is_valid_html()
    {
        var article = site.Services.GetRequiredService<CatalogueProvider>().Current.Articles.Single();
        string[] paths =
        [
            "/", article.Url, .. article.Parts.Select(article.PartUrl), article.AllUrl,
            "/staying-safe", "/preferences", "/progress", "/offline", "/no-such-page", article.Url + "/no-such-part",
            DiscreetMode.AddressOf(article, article.Parts[4]), article.PartUrl(article.Parts[4]) + "?discreet=1",
        ];

        AssertValid(await ClientTool.NodeAsync("html-validate.mjs", paths.Select(Absolute)), paths.Length);
    }

    /// <summary>The calm 403 answers only a POST, so the test provokes it and hands html-validate the page.</summary>
    [Fact]
    public async Task The_page_refusing_a_cross_site_post_is_valid_html()
    {
        using var client = site.CreateLiveClient();
        using var response = await client.PostFormAsync("/progress/remember", Forms.Place(), fetchSite: "cross-site");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var scratch = new ScratchFolder("relational-validate-");
        var file = scratch.File("403.html");
        await File.WriteAllTextAsync(file, await response.Content.ReadAsStringAsync());

        AssertValid(await ClientTool.NodeAsync("html-validate.mjs", [new Uri(file).ToString()]), 1);
    }

    [Fact]
    public async Task The_pages_of_a_reader_who_opted_in_are_valid_html()
    {
        using var client = TestReader.SharedClient(site.Address);
        var reader = new TestReader(client);
        var article = TestReader.Article;
        (await reader.OptInAsync(article.Parts[2])).Dispose();
        (await reader.PostAsync("/progress/finished", ("article", article.Slug), ("part", article.Parts[2].Slug))).Dispose();
        string[] paths = [article.Url, article.PartUrl(article.Parts[2]), article.PartUrl(article.Parts[3]), "/progress", "/progress?progress=remembered"];

        var pages = await ClientTool.NodeAsync("html-validate.mjs", paths.Select(Absolute),
            new Dictionary<string, string> { ["RELATIONAL_COOKIE"] = "relational-reader=" + reader.Cookie });

        AssertValid(pages, paths.Length);
        Assert.All(pages, page => Assert.Equal(200, page.GetProperty("status").GetInt32()));
    }

    private string Absolute(string path) => new Uri(site.Address, path).ToString();

    private static void AssertValid(List<JsonElement> pages, int expected)
    {
        Assert.Equal(expected, pages.Count);
        var errors = pages.SelectMany(page => page.GetProperty("errors").EnumerateArray()
            .Select(error => $"{page.GetProperty("url").GetString()} {error.GetString()}")).ToList();
        Assert.True(errors.Count == 0, $"{errors.Count} errors:\n" + string.Join("\n", errors));
    }
}
