using System.Text.Json;
using System.Text.RegularExpressions;

namespace Relational.Browser.Tests;

/// <summary>
/// The offline copy in real Chromium: nothing before the reader asks; then the whole series readable
/// with the network off; refreshed whole when the content changes; and gone, in one step, when removed.
/// </summary>
public sealed class OfflineTests : BrowserTest, IClassFixture<OfflineSite>, IAsyncLifetime
{
    private const string Keep = "Keep this series on this device for offline reading";
    private const string Remove = "Remove the offline copy";
    private const string Nothing = "registrations=0 caches=[] databases=[] local=[] session=[]";

    private readonly OfflineSite _site;
    private readonly ITestOutputHelper _output;
    private readonly List<IBrowserContext> _contexts = [];

    public OfflineTests(BrowserFixture browser, OfflineSite site, ITestOutputHelper output) : base(browser)
    {
        _site = site;
        _output = output;
        site.Start(browser.ExitUrl);
    }

    public static TheoryData<string> Pages() => new([.. Site.AllPages(), "/offline"]);

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task A_fresh_visitor_gets_no_service_worker_cache_or_storage(string path)
    {
        var context = await OpenAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        // The page's scripts have run (offline.js looks for a copy where its controls are).
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.Equal(Nothing, await StoredAsync(page));
        Assert.Equal("workers=0", await ChromiumSeesAsync(page));
        Assert.Empty(await context.CookiesAsync());
    }

    [Fact]
    public async Task The_keep_button_is_offered_on_the_cover_and_on_progress_and_makes_nothing_until_pressed()
    {
        var page = await (await OpenAsync()).NewPageAsync();
        foreach (var path in new[] { Site.Article, "/progress" })
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = Keep })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = Remove })).ToBeHiddenAsync();
        }

        Assert.Equal(Nothing, await StoredAsync(page));
    }

    [Fact]
    public async Task Making_the_copy_counts_one_copy_made_and_none_of_the_pages_its_worker_fetches_as_views()
    {
        var page = await (await OpenAsync()).NewPageAsync();
        var before = await _site.ReadershipTodayAsync();

        await KeepAsync(page);

        var after = await _site.ReadershipTodayAsync();
        var changed = after.Where(c => before.GetValueOrDefault(c.Key) != c.Value)
            .ToDictionary(c => c.Key, c => c.Value - before.GetValueOrDefault(c.Key));
        // The cover, opened to press the button; the copy; and not one of the pages the worker fetched.
        Assert.Equal(
            new Dictionary<(string, string, Relational.Readership.Measure), long>
            {
                [(Site.Article.TrimStart('/'), Relational.Readership.Tally.Cover, Relational.Readership.Measure.Views)] = 1,
                [("", "", Relational.Readership.Measure.OfflineCopiesMade)] = 1,
            }.OrderBy(c => c.Key.ToString()),
            changed.OrderBy(c => c.Key.ToString()));
    }

    [Fact]
    public async Task Offline_every_part_opens_in_order_by_keyboard_with_the_note_and_the_exit_still_leaves()
    {
        var context = await OpenAsync();
        var page = await context.NewPageAsync();
        await KeepAsync(page);
        var stored = await StoredAsync(page);
        Assert.Matches($"^registrations=1 caches=\\[relational-offline-{await _site.ContentVersionAsync()}\\] databases=\\[\\] local=\\[\\] session=\\[\\]$", stored);
        // The same checks that find nothing elsewhere find the copy here.
        Assert.Equal("workers=1", await ChromiumSeesAsync(page));

        await context.SetOfflineAsync(true);
        await page.GotoAsync(Site.Part(1));
        for (var n = 1; n <= 10; n++)
        {
            if (n > 1)
            {
                await page.Keyboard.PressAsync("ArrowRight");
            }

            await ArriveAsync(page, Site.Part(n));
            await Assertions.Expect(page.GetByText($"Part {n} of 10")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("main h1")).Not.ToBeEmptyAsync();
            var note = page.GetByRole(AriaRole.Note, new() { Name = "Offline copy" });
            await Assertions.Expect(note).ToContainTextAsync("This is the offline copy");
            await Assertions.Expect(note).ToContainTextAsync("Your progress is not recorded while you read offline");
        }

        // The whole article, the contents and the help page are in the copy too.
        foreach (var path in new[] { $"{Site.Article}/all", Site.Article, "/offline" })
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page.GetByText("This is the offline copy")).ToBeVisibleAsync();
        }

        await page.GotoAsync(Site.Part(10));
        var before = await HistoryAsync(page);
        Assert.EndsWith(Site.Part(10), before[^1], StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Link, new() { Name = "Exit this page" }).ClickAsync();

        // Offline the neutral site cannot load (the browser says it has no connection), but its
        // address has taken this page's place in the history: Back does not return to the part.
        await Assertions.Expect(page.GetByText("This is the offline copy")).ToBeHiddenAsync();
        var after = await HistoryAsync(page);
        for (var wait = 0; after[^1] != Browser.ExitUrl && wait < 50; wait++)
        {
            await Task.Delay(100);
            after = await HistoryAsync(page);
        }

        Assert.Equal(Browser.ExitUrl, after[^1]);
        Assert.Equal(before[..^1], after[..^1]);
    }

    /// <summary>The tab's history up to its current entry, as Chromium keeps it (the address shown for each).</summary>
    private static async Task<string[]> HistoryAsync(IPage page)
    {
        var session = await page.Context.NewCDPSessionAsync(page);
        var history = (await session.SendAsync("Page.getNavigationHistory"))!.Value;
        await session.DetachAsync();
        var current = history.GetProperty("currentIndex").GetInt32();
        return [.. history.GetProperty("entries").EnumerateArray().Take(current + 1).Select(e => e.GetProperty("url").GetString()!)];
    }

    [Fact]
    public async Task Offline_a_part_shows_its_image_from_the_copy()
    {
        var context = await OpenAsync();
        var page = await context.NewPageAsync();
        await KeepAsync(page);

        await context.SetOfflineAsync(true);
        await page.GotoAsync(Site.Part(3));
        var image = page.GetByRole(AriaRole.Img, new() { Name = OfflineSite.ImageAlt });
        await image.ScrollIntoViewIfNeededAsync();

        // Drawn from the copy: its real width, not a broken image's 0.
        await Assertions.Expect(image).ToHaveJSPropertyAsync("naturalWidth", 8);
    }

    [Fact]
    public async Task Offline_a_progress_button_says_plainly_that_nothing_was_saved()
    {
        var context = await OpenAsync();
        var page = await context.NewPageAsync();
        await KeepAsync(page);

        await context.SetOfflineAsync(true);
        await page.GotoAsync(Site.Part(4));
        await page.GetByRole(AriaRole.Button, new() { Name = "Remember my place on this device" }).ClickAsync();

        await Assertions.Expect(page.GetByText("You are offline, so that was not saved.")).ToBeVisibleAsync();
        await context.SetOfflineAsync(false);
        Assert.Empty(await context.CookiesAsync());
    }

    [Fact]
    public async Task Discreet_mode_applies_offline()
    {
        var context = await OpenAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/preferences");
        await page.GetByLabel("On: show only “Reading”").CheckAsync();
        await KeepAsync(page);
        Assert.Equal("/manifest-neutral.webmanifest", await page.GetAttributeAsync("link[rel=manifest]", "href"));

        await context.SetOfflineAsync(true);
        await page.GotoAsync(Site.Part(2));
        await Assertions.Expect(page.GetByText("This is the offline copy")).ToBeVisibleAsync();
        await Assertions.Expect(page).ToHaveTitleAsync("Reading");
        Assert.Equal("/favicon-neutral.svg", await page.GetAttributeAsync("link[rel=icon]", "href"));

        // A discreet link opened offline by a reader without the preference is neutral too.
        await page.EvaluateAsync("localStorage.removeItem('relational-prefs')");
        await page.GotoAsync(Site.Part(3) + "?discreet=1");
        await Assertions.Expect(page.GetByText("This is the offline copy")).ToBeVisibleAsync();
        await Assertions.Expect(page).ToHaveTitleAsync("Reading");
    }

    [Fact]
    public async Task A_part_s_neutral_address_opens_offline_as_itself()
    {
        var context = await OpenAsync();
        var page = await context.NewPageAsync();
        await KeepAsync(page);
        await page.GotoAsync(Site.Part(4));
        var neutral = await page.Locator("[data-share]").GetAttributeAsync("data-share-discreet");
        Assert.Matches("/read/[0-9a-f]{10}$", neutral);

        await context.SetOfflineAsync(true);
        await page.GotoAsync(neutral!);

        await Assertions.Expect(page.GetByText("This is the offline copy")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("That page is not part of the offline copy")).ToHaveCountAsync(0);
        await Assertions.Expect(page).ToHaveTitleAsync("Reading");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(Relational.Tests.Series.Parts[3].Title);
    }

    [Fact]
    public async Task When_the_content_changes_the_copy_is_made_again_whole_on_the_next_visit_online()
    {
        var part = Relational.Tests.Series.PartFile(3);
        const string Added = "A sentence added while a reader held an offline copy.";
        var context = await OpenAsync();
        var page = await context.NewPageAsync();
        await KeepAsync(page);
        var before = await _site.ContentVersionAsync();
        var original = await File.ReadAllTextAsync(_site.Content.File(part));
        try
        {
            var after = await _site.ChangeContentAsync(part, text => text.TrimEnd() + "\n\n" + Added + "\n");

            // The next visit online: the copy is replaced by one of the new version, and the old one is gone.
            await page.GotoAsync(Site.Article);
            Assert.Equal($"relational-offline-{after}", await CacheNamesWhenAsync(page, names => !names.Contains(before, StringComparison.Ordinal)));

            await context.SetOfflineAsync(true);
            await page.GotoAsync(Site.Part(3));
            await Assertions.Expect(page.GetByText("This is the offline copy")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText(Added)).ToBeVisibleAsync();
            await page.GotoAsync($"{Site.Article}/all");
            await Assertions.Expect(page.GetByText(Added)).ToBeVisibleAsync();
        }
        finally
        {
            await context.SetOfflineAsync(false);
            await _site.ChangeContentAsync(part, _ => original);
        }
    }

    [Theory]
    [InlineData("/progress")]
    [InlineData("/staying-safe")]
    [InlineData(Site.Article)]
    public async Task Remove_the_offline_copy_leaves_no_worker_and_no_cache(string path)
    {
        var context = await OpenAsync();
        var page = await context.NewPageAsync();
        await ChooseDarkThemeAsync(page);
        await KeepAsync(page);

        await page.GotoAsync(path);
        await page.GetByRole(AriaRole.Button, new() { Name = Remove }).ClickAsync();

        await ArriveAsync(page, "/offline?done=removed");
        await Assertions.Expect(page.Locator("#outcome")).ToContainTextAsync("The offline copy has been removed");
        // The reading preferences are put back by the page: the theme is still the reader's.
        Assert.Equal(Nothing.Replace("local=[]", "local=[relational-prefs]"), await StoredAsync(page));
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = Keep })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Forget_my_progress_removes_the_offline_copy_and_the_cookie_too()
    {
        var context = await OpenAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(Site.Part(2));
        await page.GetByRole(AriaRole.Button, new() { Name = "Remember my place on this device" }).ClickAsync();
        await KeepAsync(page);
        Assert.NotEmpty(await context.CookiesAsync());

        await page.GotoAsync("/progress");
        await page.GetByRole(AriaRole.Button, new() { Name = "Forget my progress" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/progress"));
        await Assertions.Expect(page.GetByText("This device isn’t remembering your place.")).ToBeVisibleAsync();
        Assert.Equal(Nothing, await StoredAsync(page));
        Assert.Empty(await context.CookiesAsync());
    }

    [Fact]
    public async Task The_browser_itself_erases_the_copy_on_the_removal_answer_without_the_pages_script()
    {
        var context = await OpenAsync();
        var page = await context.NewPageAsync();
        await ChooseDarkThemeAsync(page);
        await KeepAsync(page);

        // form.submit() skips the page's own removal: only the answer's Clear-Site-Data can do it.
        await page.GotoAsync("/staying-safe");
        await page.EvaluateAsync("document.querySelector('form[data-offline-remove]').submit()");

        await ArriveAsync(page, "/offline?done=removed#outcome");
        Assert.Equal(Nothing, await StoredAsync(page));
    }

    [Fact]
    public async Task Axe_finds_no_violations_in_the_offline_controls_or_the_offline_note()
    {
        var context = await OpenAsync(new() { BypassCSP = true });
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        foreach (var path in new[] { Site.Article, "/progress", "/staying-safe", "/offline" })
        {
            problems.AddRange(await AxeRun.ViolationsAsync(page, path, _output));
        }

        await KeepAsync(page);
        foreach (var path in new[] { Site.Article, "/progress", "/offline?done=removed" })
        {
            problems.AddRange(await AxeRun.ViolationsAsync(page, path, _output));
        }

        await context.SetOfflineAsync(true);
        foreach (var path in new[] { Site.Part(5), "/offline", "/progress" })
        {
            problems.AddRange(await AxeRun.ViolationsAsync(page, path, _output));
            await Assertions.Expect(page.GetByText("This is the offline copy")).ToBeVisibleAsync();
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>A fresh context on the offline tests' own site.</summary>
    private async Task<IBrowserContext> OpenAsync(BrowserNewContextOptions? options = null)
    {
        options ??= new();
        options.BaseURL = _site.BaseUrl;
        var context = await Browser.Browser.NewContextAsync(options);
        _contexts.Add(context);
        return context;
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        await DisposeAsync();
    }

    /// <summary>Presses the keep button on the cover and waits until the copy is made.</summary>
    private static async Task KeepAsync(IPage page)
    {
        await page.GotoAsync(Site.Article);
        await page.GetByRole(AriaRole.Button, new() { Name = Keep }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-offline-status]"))
            .ToContainTextAsync("This series is now kept on this device", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = Remove })).ToBeVisibleAsync();
    }

    private static async Task ChooseDarkThemeAsync(IPage page)
    {
        await page.GotoAsync("/preferences");
        await page.GetByLabel("Dark", new() { Exact = true }).CheckAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
    }

    /// <summary>Everything this origin keeps in the browser, as the page's own APIs see it.</summary>
    private static async Task<string> StoredAsync(IPage page)
    {
        var found = await page.EvaluateAsync<JsonElement>(
            """
            async () => ({
              registrations: (await navigator.serviceWorker.getRegistrations()).length,
              caches: await caches.keys(),
              databases: (await indexedDB.databases()).map(d => d.name),
              local: Object.keys(localStorage),
              session: Object.keys(sessionStorage),
            })
            """);
        string List(string name) => "[" + string.Join(",", found.GetProperty(name).EnumerateArray().Select(e => e.GetString())) + "]";
        return $"registrations={found.GetProperty("registrations").GetInt32()} caches={List("caches")} " +
            $"databases={List("databases")} local={List("local")} session={List("session")}";
    }

    /// <summary>
    /// Service workers of this page's browser context as Chromium itself lists them (DevTools
    /// targets), whatever the page's own APIs say.
    /// </summary>
    private async Task<string> ChromiumSeesAsync(IPage page)
    {
        var pageSession = await page.Context.NewCDPSessionAsync(page);
        var self = await pageSession.SendAsync("Target.getTargetInfo");
        var contextId = self!.Value.GetProperty("targetInfo").GetProperty("browserContextId").GetString();
        await pageSession.DetachAsync();

        var browserSession = await Browser.Browser.NewBrowserCDPSessionAsync();
        var targets = await browserSession.SendAsync("Target.getTargets");
        await browserSession.DetachAsync();
        var workers = targets!.Value.GetProperty("targetInfos").EnumerateArray()
            .Count(t => t.GetProperty("type").GetString() == "service_worker"
                && t.GetProperty("browserContextId").GetString() == contextId);
        return $"workers={workers}";
    }

    /// <summary>The offline caches' names once <paramref name="done"/> holds for them (at most 30 s).</summary>
    private static async Task<string> CacheNamesWhenAsync(IPage page, Func<string, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var names = await page.EvaluateAsync<string>("async () => (await caches.keys()).join(',')");
            if (done(names) || DateTime.UtcNow > deadline)
            {
                return names;
            }

            await page.WaitForTimeoutAsync(200);
        }
    }
}
