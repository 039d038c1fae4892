using Microsoft.AspNetCore.Hosting;
using AngleSharp.Dom;
using Microsoft.Extensions.DependencyInjection;
using Relational.Content;
using Relational.Progress;
using Relational.Tests.Content;

namespace Relational.Tests.Reading;

/// <summary>
/// The pause, the way on and the share link of a part page. A reader with progress (whose page is
/// rendered for them each time) must see exactly what everyone sees, never an older version of the
/// content, and a share link naming the address the page was reached at.
/// </summary>
public sealed class PartPageTests
{
    private static readonly string Part6 = Series.PartUrl(6);
    private static readonly string Part10 = Series.PartUrl(10);

    [Fact]
    public async Task A_reader_with_progress_sees_the_same_pause_way_on_and_share_link_as_everyone_else()
    {
        using var factory = new SiteFactory();
        using var client = factory.CreateClient();

        var everyone = await client.GetDocumentAsync(Part6);
        var first = await ReaderPageAsync(client, Part6);
        var again = await ReaderPageAsync(client, Part6);

        foreach (var page in new[] { first, again })
        {
            Assert.Equal(Shared(everyone), Shared(page));
        }

        Assert.Contains("You might notice which of these feels most true for you today.", everyone.QuerySelector("aside.pause")!.TextContent);
        Assert.Equal(Series.PartUrl(7), everyone.QuerySelector("a[rel=next]")?.GetAttribute("href"));
        Assert.Equal("http://localhost" + Part6, everyone.QuerySelector("[data-share-address]")?.GetAttribute("href"));
    }

    [Fact]
    public async Task Part_pages_render_with_the_service_checks_development_turns_on()
    {
        // `dotnet run` is Development, which validates scopes and every registration at start-up:
        // a singleton reaching for a scoped service fails there (a 500 on every part page), and so
        // does a service whose dependency is not registered (the site would not start).
        using var factory = new SiteFactory();
        using var checkedFactory = factory.WithWebHostBuilder(builder =>
            builder.UseDefaultServiceProvider(options =>
            {
                options.ValidateScopes = true;
                options.ValidateOnBuild = true;
            }));
        using var client = checkedFactory.CreateClient();

        var everyone = await client.GetDocumentAsync(Part6);
        var reader = await ReaderPageAsync(client, Part10);

        Assert.NotNull(everyone.QuerySelector("aside.pause"));
        Assert.NotNull(reader.QuerySelector("section.share"));
    }

    [Fact]
    public async Task Each_part_keeps_its_own_way_on_and_the_last_part_has_no_pause()
    {
        using var factory = new SiteFactory();
        using var client = factory.CreateClient();

        var middle = await ReaderPageAsync(client, Part6);
        var last = await ReaderPageAsync(client, Part10);

        Assert.NotNull(middle.QuerySelector("aside.pause"));
        Assert.Null(last.QuerySelector("aside.pause"));
        Assert.Null(last.QuerySelector("a[rel=next]"));
        Assert.Equal(Series.PartUrl(9), last.QuerySelector("a[rel=prev]")?.GetAttribute("href"));
        Assert.Equal("http://localhost" + Part10, last.QuerySelector("[data-share-address]")?.GetAttribute("href"));
    }

    [Fact]
    public async Task After_the_content_changes_a_reader_with_progress_sees_the_new_pause_prompt()
    {
        using var content = new ContentFolder();
        using var factory = new SiteFactory().With("Content:Path", content.Root);
        using var client = factory.CreateClient();
        var before = await ReaderPageAsync(client, Part6);
        Assert.Contains("There is no need to decide anything.", before.QuerySelector("aside.pause")!.TextContent);

        content.Edit(Series.PartFile(6), text => text
            .Replace("There is no need to decide anything.", "Nothing needs deciding today.", StringComparison.Ordinal)
            .Replace("title: \"Safety Is Built, Not Assumed\"", "title: \"Safety Is Built Slowly\"", StringComparison.Ordinal));
        Assert.True(factory.Services.GetRequiredService<CatalogueProvider>().Reload());

        var after = await ReaderPageAsync(client, Part6);
        var pause = after.QuerySelector("aside.pause")!.TextContent;
        Assert.Contains("Nothing needs deciding today.", pause);
        Assert.DoesNotContain("There is no need to decide anything.", pause);
        // The part before links on with the new title.
        var previous = await ReaderPageAsync(client, Series.PartUrl(5));
        Assert.Contains("Safety Is Built Slowly", previous.QuerySelector("a[rel=next]")!.TextContent);
    }

    [Fact]
    public async Task Made_up_host_names_are_answered_with_their_own_share_link()
    {
        using var factory = new SiteFactory();
        using var client = factory.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            var page = await ReaderPageAsync(client, $"http://host{i}.example{Part6}");
            Assert.Equal($"http://host{i}.example{Part6}", page.QuerySelector("[data-share-address]")?.GetAttribute("href"));
        }
    }

    /// <summary>A part page as a reader with the progress cookie gets it: rendered afresh, not from a snapshot.</summary>
    private static async Task<IDocument> ReaderPageAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", ReaderCookie.Name + "=a-reader");
        using var response = await client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.Private);
        return await Html.ParseAsync(await response.Content.ReadAsStringAsync());
    }

    private static string[] Shared(IDocument page) =>
        [.. new[] { "aside.pause", "nav.part-nav", "section.share" }.Select(selector => page.QuerySelector(selector)?.OuterHtml ?? "(missing)")];
}
