namespace Relational.Browser.Tests;

/// <summary>
/// Back is instant for a reader who opted in too: their pages come back from the browser's
/// back/forward cache (not asked for again), and the marks on them are brought up to date.
/// </summary>
public sealed class InstantBackTests(BrowserFixture browser, BackForwardCacheChromium chromium) : BrowserTest(browser), IClassFixture<BackForwardCacheChromium>
{
    /// <summary>Each showing of a document in this tab: whether it came from the back/forward cache.</summary>
    private const string NoteShowings =
        "addEventListener('pageshow', e => { window.showings = (window.showings || []).concat(e.persisted ? 'restored' : 'loaded'); });";

    [Fact]
    public async Task Back_to_the_cover_of_a_reader_who_opted_in_is_restored_whole_with_the_marks_made_since()
    {
        var context = await NewContextKeepingBackForwardAsync(chromium);
        await context.AddInitScriptAsync(NoteShowings);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Site.Article);
        await page.GetByRole(AriaRole.Button, new() { Name = "Remember my place on this device" }).ClickAsync();
        await Assertions.Expect(page.Locator("#outcome")).ToBeFocusedAsync();
        await page.GotoAsync(Site.Article);
        await Assertions.Expect(page.Locator(".contents__state")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Part 2" }).ClickAsync();
        await ArriveAsync(page, Site.Part(2));
        // A page the back/forward cache restores fires no load event: wait only for it to be shown.
        await page.GoBackAsync(new() { WaitUntil = WaitUntilState.Commit });

        await ShownAsync(page, Site.Article);
        // The same document, shown again: not loaded afresh.
        Assert.Equal("loaded restored", await page.EvaluateAsync<string>("window.showings.join(' ')"));
        // Part 2 was opened meanwhile: the cover says so, and offers it.
        await Assertions.Expect(page.Locator(".contents__item").Nth(1)).ToContainTextAsync("Started");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Continue from part 2" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Back_between_parts_of_a_reader_who_opted_in_is_restored_whole()
    {
        var context = await NewContextKeepingBackForwardAsync(chromium);
        await context.AddInitScriptAsync(NoteShowings);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Site.Part(2));
        await page.GetByRole(AriaRole.Button, new() { Name = "Remember my place on this device" }).ClickAsync();
        await page.GotoAsync(Site.Part(3));
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue to the next part" }).ClickAsync();
        await ArriveAsync(page, Site.Part(4));

        // A page the back/forward cache restores fires no load event: wait only for it to be shown.
        await page.GoBackAsync(new() { WaitUntil = WaitUntilState.Commit });

        await ShownAsync(page, Site.Part(3));
        Assert.Equal("loaded restored", await page.EvaluateAsync<string>("window.showings.join(' ')"));
        // Opening part 4 finished part 3 (the part before one opened): its button is gone.
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save my place here" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "I’ve finished this part" })).ToHaveCountAsync(0);
    }

}
