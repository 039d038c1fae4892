using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Relational.Content;

namespace Relational.Tests.Progress;

/// <summary>A broken database never stops anyone reading; the forms say calmly that saving failed.</summary>
public sealed class ProgressFaultTests
{
    private static readonly Article Article = ContentLoader.Load(Paths.Content).FindArticle(Forms.Article)!;

    public static TheoryData<string> Faults() => ["corrupt", "unwritable"];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Reading_goes_on_and_saving_says_it_could_not_save(string fault)
    {
        using var site = Broken(fault);
        using var client = site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });

        foreach (var path in new[] { "/", Article.Url, Article.AllUrl, Article.PartUrl(Article.Parts[2]), "/progress" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var optIn = await client.PostFormAsync("/progress/remember", Forms.Place(Article.Parts[2].Slug));
        Assert.Equal(HttpStatusCode.OK, optIn.StatusCode);
        var page = await Html.ParseAsync(await optIn.Content.ReadAsStringAsync());
        Assert.Contains("couldn’t save that right now", page.QuerySelector("#outcome")!.TextContent);
        Assert.Contains(Article.Parts[2].Title, page.QuerySelector("h1")!.TextContent);
        Assert.False(optIn.RequestMessage!.Headers.Contains("Cookie"));
    }

    [Fact]
    public async Task A_reader_with_a_cookie_still_reads_when_the_database_is_corrupt()
    {
        using var site = Broken("corrupt");
        using var client = site.CreateClient();

        foreach (var path in new[] { Article.Url, Article.PartUrl(Article.Parts[0]), "/progress" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", "relational-reader=" + Relational.Progress.ReaderKey.New().Value);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("Set-Cookie"));
            Assert.Contains("can’t be shown right now", (await Html.ParseAsync(await response.Content.ReadAsStringAsync())).QuerySelector("main")!.TextContent);
        }

        using var save = new HttpRequestMessage(HttpMethod.Post, "/progress/save") { Content = new FormUrlEncodedContent(Forms.Place(Article.Parts[0].Slug)) };
        save.Headers.Add("Sec-Fetch-Site", "same-origin");
        save.Headers.Add("Cookie", "relational-reader=" + Relational.Progress.ReaderKey.New().Value);
        using var saved = await client.SendAsync(save);
        Assert.Contains("couldn’t save that right now", (await Html.ParseAsync(await saved.Content.ReadAsStringAsync())).QuerySelector("#outcome")!.TextContent);
    }

    [Fact]
    public async Task Saving_works_again_once_the_fault_clears()
    {
        // No back-off here: this is about the next try after the fault clears, not about when it comes.
        using var site = Broken("corrupt").With("Progress:FaultBackOff", "00:00:00");
        using var client = site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        using var failed = await client.PostFormAsync("/progress/remember", Forms.Place());
        Assert.Contains("unavailable", failed.RequestMessage!.RequestUri!.Query);

        File.Delete(site.DatabasePath);
        using var worked = await client.PostFormAsync("/progress/remember", Forms.Place());

        Assert.Contains("remembered", worked.RequestMessage!.RequestUri!.Query);
        Assert.Equal(1, Database.Count(site.DatabasePath, "readers"));
    }

    /// <summary>
    /// "corrupt": the file is not a database. "unwritable": its folder cannot be created (a plain
    /// file stands where it should be; tests may run as root, where permissions do not stop writes).
    /// </summary>
    private static SiteFactory Broken(string fault)
    {
        var site = new SiteFactory();
        if (fault == "corrupt")
        {
            File.WriteAllText(site.DatabasePath, new string('x', 8192));
        }
        else
        {
            var blocker = Path.Combine(site.DataDirectory, "not-a-folder");
            File.WriteAllText(blocker, "");
            site.With("Progress:DatabasePath", Path.Combine(blocker, "progress.db"));
        }

        return site;
    }
}
