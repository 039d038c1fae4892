using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Relational.Content;

namespace Relational.Tests.Content;

public sealed class CatalogueProviderTests
{
    [Fact]
    public async Task An_edited_file_is_served_after_reload_and_the_catalogue_is_replaced_whole()
    {
        using var folder = new ContentFolder();
        using var site = new SiteFactory().With("Content:Path", folder.Root);
        var client = site.CreateClient();
        var provider = site.Services.GetRequiredService<CatalogueProvider>();
        var before = provider.Current;
        var signal = provider.GetChangeToken();

        folder.Edit(Series.PartFile(9), t => t.Replace("Relationship as Medicine\"", "Relationship, as Medicine\"", StringComparison.Ordinal));
        Assert.True(provider.Reload());

        Assert.NotSame(before, provider.Current);
        Assert.True(signal.HasChanged);
        Assert.False(provider.GetChangeToken().HasChanged);
        Assert.Equal("Relationship as Medicine", before.Articles[0].Parts[8].Title);
        var page = await client.GetDocumentAsync(Series.PartUrl(9));
        Assert.Equal("Relationship, as Medicine", page.QuerySelector("h1")!.TextContent);
    }

    /// <summary>
    /// With watching on (Development, and the README's Production steps), an author's edit is
    /// picked up from the disk by itself, and the page kept in memory gives way to it.
    /// </summary>
    [Fact]
    public async Task A_watched_folder_serves_an_edit_without_a_restart_and_no_kept_page_outlives_it()
    {
        var page = Series.PartUrl(9);
        using var folder = new ContentFolder();
        using var site = new SiteFactory().With("Content:Path", folder.Root).With("Content:WatchForChanges", "true").With("AllowedHosts", "localhost");
        var client = site.CreateClient();
        Assert.Equal("Relationship as Medicine", (await client.GetDocumentAsync(page)).QuerySelector("h1")!.TextContent);
        Assert.Equal("Relationship as Medicine", (await client.GetDocumentAsync(page)).QuerySelector("h1")!.TextContent);

        folder.Edit(Series.PartFile(9), t => t.Replace("Relationship as Medicine\"", "Relationship, as Medicine\"", StringComparison.Ordinal));

        var title = "";
        for (var waited = 0; waited < 100 && title != "Relationship, as Medicine"; waited++)
        {
            await Task.Delay(100);
            title = (await client.GetDocumentAsync(page)).QuerySelector("h1")!.TextContent;
        }

        Assert.Equal("Relationship, as Medicine", title);
    }

    [Fact]
    public async Task A_broken_edit_while_running_keeps_the_previous_content_served()
    {
        using var folder = new ContentFolder();
        using var site = new SiteFactory().With("Content:Path", folder.Root);
        var client = site.CreateClient();
        var provider = site.Services.GetRequiredService<CatalogueProvider>();
        var before = provider.Current;

        folder.Edit(Series.PartFile(3), t => t.Replace("title:", "titel:", StringComparison.Ordinal));

        Assert.False(provider.Reload());
        Assert.Same(before, provider.Current);
        using var response = await client.GetAsync(Series.PartUrl(3));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Broken_content_stops_start_up_with_a_message_naming_the_file()
    {
        using var folder = new ContentFolder();
        folder.Edit(Series.PartFile(7), t => t.Replace("summary:", "summery:", StringComparison.Ordinal));
        using var site = new SiteFactory().With("Content:Path", folder.Root);

        var error = Assert.Throws<Relational.Site.CannotStartException>(() => site.CreateClient());

        Assert.Contains("07-what-changes-when-healing-happens-in-relationship.md", error.Message, StringComparison.Ordinal);
        Assert.Contains("'summary'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Content:Path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_article_or_part_can_take_an_address_the_site_answers_itself()
    {
        var partFile = Series.PartFile(2);
        using var folder = new ContentFolder();
        using var site = new SiteFactory().With("Content:Path", folder.Root);
        var client = site.CreateClient();
        var provider = site.Services.GetRequiredService<CatalogueProvider>();
        var before = provider.Current;
        // The first fixed segment of every address the running site answers: a page added later is
        // in this list without anyone writing it here.
        var addresses = site.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(endpoint => endpoint.RoutePattern.PathSegments)
            .Where(segments => segments.Count > 0 && segments[0].IsSimple && segments[0].Parts[0] is RoutePatternLiteralPart)
            .Select(segments => ((RoutePatternLiteralPart)segments[0].Parts[0]).Content)
            .Where(ContentLoader.IsSlug)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Superset(new HashSet<string>(["progress", "offline", "staying-safe", "preferences", "healthz", "status", "read", "previews", "css", "js"]), addresses);

        foreach (var address in addresses)
        {
            folder.Edit(Series.ArticleFile, t => t.Replace("slug: " + Series.Slug, "slug: " + address, StringComparison.Ordinal));
            Assert.False(provider.Reload(), $"an article could be named {address}");
            folder.Edit(Series.ArticleFile, t => t.Replace("slug: " + address + "\n", "slug: " + Series.Slug + "\n", StringComparison.Ordinal));
        }

        // A part cannot take the whole article's address either.
        folder.Edit(partFile, t => t.Replace("slug: " + Series.PartSlug(2), "slug: all", StringComparison.Ordinal));
        Assert.False(provider.Reload());

        Assert.Same(before, provider.Current);
        Assert.Equal("Your progress", (await client.GetDocumentAsync("/progress")).QuerySelector("h1")!.TextContent);
        Assert.Equal(before.Articles[0].Title, (await client.GetDocumentAsync(Series.Url)).QuerySelector("h1")!.TextContent);
    }

    [Fact]
    public void An_article_named_after_a_page_of_the_site_stops_start_up_with_a_message_naming_its_file()
    {
        using var folder = new ContentFolder();
        folder.Edit(Series.ArticleFile, t => t.Replace("slug: " + Series.Slug, "slug: offline", StringComparison.Ordinal));
        using var site = new SiteFactory().With("Content:Path", folder.Root);

        var error = Assert.Throws<Relational.Site.CannotStartException>(() => site.CreateClient());

        Assert.Contains("article.md", error.Message, StringComparison.Ordinal);
        Assert.Contains("'offline'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_article_folder_shows_up_on_the_site()
    {
        using var folder = new ContentFolder();
        folder.Write("the-nervous-system-remembers/article.md", "---\ntitle: The Nervous System Remembers What the Mind Forgot\nslug: the-nervous-system-remembers\nauthor: ITClinic\nattribution: Create the Whole Human.\ndescription: A second article.\n---\n\nIntro.\n");
        folder.Write("the-nervous-system-remembers/01-opening.md", "---\ntitle: Opening\nslug: opening\nsummary: The opening.\n---\n\nThe body remembers.\n");
        using var site = new SiteFactory().With("Content:Path", folder.Root);
        var client = site.CreateClient();

        var home = await client.GetDocumentAsync("/");
        var part = await client.GetDocumentAsync("/the-nervous-system-remembers/opening");

        Assert.Contains(home.QuerySelectorAll("a"), a => a.GetAttribute("href") == "/the-nervous-system-remembers");
        Assert.Contains(home.QuerySelectorAll("a"), a => a.GetAttribute("href") == Series.Url);
        Assert.Contains("Part 1 of 1", part.QuerySelector(".part__position")!.TextContent, StringComparison.Ordinal);
    }
}
