namespace Relational.Browser.Tests;

/// <summary>
/// After each action (opt in, save my place, I've finished, forget, keep or remove the offline copy)
/// focus is on what it did, which is on screen below the exit bar and, in the page's title, read out
/// on arrival: with scripts and without.
/// </summary>
public sealed class OutcomeFocusTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Theory]
    [InlineData(true, 1280, 720)]
    [InlineData(false, 1280, 720)]
    [InlineData(true, 390, 844)]
    [InlineData(false, 320, 256)]
    public async Task Each_progress_action_lands_with_focus_on_its_outcome_in_view_and_in_the_title(bool javaScript, int width, int height)
    {
        var page = await NewPageAsync(new() { JavaScriptEnabled = javaScript, ViewportSize = new() { Width = width, Height = height } });
        await page.GotoAsync(Site.Part(3));
        var title = await page.TitleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Remember my place on this device" }).ClickAsync();
        await AssertOutcomeAsync(page, javaScript, "Remembering your place — " + title, "This device will now remember your place.");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save my place here" }).ClickAsync();
        await AssertOutcomeAsync(page, javaScript, "Place saved — " + title, "Your place is saved here.");

        await page.GetByRole(AriaRole.Button, new() { Name = "I’ve finished this part" }).ClickAsync();
        await AssertOutcomeAsync(page, javaScript, "Marked as finished — " + title, "Marked as finished.");

        await page.GotoAsync("/progress");
        await page.GetByRole(AriaRole.Button, new() { Name = "Forget my progress" }).ClickAsync();
        await AssertOutcomeAsync(page, javaScript, "Progress forgotten — Your progress", "Done. Your progress is forgotten");
    }

    [Fact]
    public async Task With_discreet_mode_on_the_neutral_title_still_leads_with_what_a_form_did()
    {
        var context = await NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 720 } });
        await context.AddInitScriptAsync("localStorage.setItem('relational-prefs', JSON.stringify({ discreet: 'on' }));");
        var page = await context.NewPageAsync();
        await page.GotoAsync(Site.Part(3));
        await Assertions.Expect(page).ToHaveTitleAsync("Reading");

        await page.GetByRole(AriaRole.Button, new() { Name = "Remember my place on this device" }).ClickAsync();
        await AssertOutcomeAsync(page, javaScript: true, "Remembering your place — Reading", "This device will now remember your place.");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save my place here" }).ClickAsync();
        await AssertOutcomeAsync(page, javaScript: true, "Place saved — Reading", "Your place is saved here.");
    }

    [Fact]
    public async Task Keeping_an_offline_copy_moves_focus_to_the_words_saying_it_is_kept_not_to_the_page()
    {
        var page = await NewPageAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        await page.GotoAsync(Site.Article);

        var keep = page.GetByRole(AriaRole.Button, new() { Name = "Keep this series on this device for offline reading" });
        await keep.FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        var status = page.Locator("[data-offline-status]");
        await Assertions.Expect(status).ToContainTextAsync("This series is now kept on this device");
        await Assertions.Expect(status).ToBeFocusedAsync();
        await FocusInSightTests.AssertBelowTheBarAsync(page, "[data-offline-status]", "after Keep");
        Assert.Equal("ok", await page.EvaluateAsync<string>(FocusInSightTests.FocusCheck));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Removing_the_offline_copy_lands_with_focus_on_saying_so(bool javaScript)
    {
        var context = await NewContextAsync(new() { ViewportSize = new() { Width = 640, Height = 360 } });
        var page = await context.NewPageAsync();
        if (javaScript)
        {
            await page.GotoAsync(Site.Article);
            await page.GetByRole(AriaRole.Button, new() { Name = "Keep this series on this device for offline reading" }).ClickAsync();
            await Assertions.Expect(page.Locator("[data-offline-status]")).ToContainTextAsync("This series is now kept");
        }
        else
        {
            await context.CloseAsync();
            page = await NewPageAsync(new() { JavaScriptEnabled = false, ViewportSize = new() { Width = 640, Height = 360 } });
        }

        await page.GotoAsync("/staying-safe");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove the offline copy" }).ClickAsync();

        await AssertOutcomeAsync(page, javaScript, "Offline copy removed — Reading offline", "The offline copy has been removed");
    }

    /// <summary>The page that answered: its title leads with the outcome, whose message has focus, on screen below the bar.</summary>
    private static async Task AssertOutcomeAsync(IPage page, bool javaScript, string title, string message)
    {
        await Assertions.Expect(page).ToHaveTitleAsync(title);
        var outcome = page.Locator("#outcome");
        await Assertions.Expect(outcome).ToContainTextAsync(message);
        await Assertions.Expect(outcome).ToBeFocusedAsync();
        await FocusInSightTests.AssertBelowTheBarAsync(page, "#outcome", title, javaScript);
        Assert.Equal("ok", await page.EvaluateAsync<string>(FocusInSightTests.FocusCheck));
    }
}
