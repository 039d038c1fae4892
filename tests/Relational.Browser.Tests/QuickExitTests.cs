namespace Relational.Browser.Tests;

/// <summary>Exit this page: by click and by Shift pressed alone three times, leaving no way back.</summary>
public sealed class QuickExitTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Selecting_exit_replaces_this_page_with_the_neutral_site()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Site.Article);
        await page.GotoAsync(Site.Part(3));
        var historyBefore = await page.EvaluateAsync<int>("history.length");

        await page.GetByRole(AriaRole.Link, new() { Name = "Exit this page" }).ClickAsync();

        await ArriveAsync(page, Browser.ExitUrl);
        Assert.Equal(historyBefore, await page.EvaluateAsync<int>("history.length"));
        await page.GoBackAsync();
        Assert.EndsWith(Site.Article, page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pressing_shift_three_times_leaves_without_a_way_back()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Site.Article);
        await page.GotoAsync(Site.Part(2));
        var historyBefore = await page.EvaluateAsync<int>("history.length");

        await page.Keyboard.PressAsync("Shift");
        await page.Keyboard.PressAsync("Shift");
        await page.Keyboard.PressAsync("Shift");

        await ArriveAsync(page, Browser.ExitUrl);
        Assert.Equal(historyBefore, await page.EvaluateAsync<int>("history.length"));
    }

    /// <summary>For a reader who pauses a screen reader with Shift: the shortcut can be turned off, the button stays.</summary>
    [Fact]
    public async Task With_the_shortcut_turned_off_shift_three_times_stays_and_the_button_still_leaves()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/preferences");
        await page.GetByLabel("Off: only the button leaves").CheckAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved in this browser.");
        await page.GotoAsync(Site.Part(2));

        // Four, so that neither the count nor its start could be off by one.
        for (var i = 0; i < 4; i++)
        {
            await page.Keyboard.PressAsync("Shift");
        }

        // Leaving covers the page and starts the navigation in the same keyup handler that a press
        // has run by now, so a page still here, uncovered and silent, is a page that stays. Asked
        // of the document itself: page.Url can lag behind a navigation that has already happened.
        var seen = await page.EvaluateAsync<string>(
            "() => [location.pathname, document.querySelectorAll('.exit-overlay').length, document.querySelector('[data-exit-status]').textContent].join(' | ')");
        Assert.Equal($"{Site.Part(2)} | 0 | ", seen);

        await page.GetByRole(AriaRole.Link, new() { Name = "Exit this page" }).ClickAsync();
        await ArriveAsync(page, Browser.ExitUrl);
    }

    [Fact]
    public async Task Typing_capitals_does_not_count_and_shift_presses_are_announced()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Site.Part(2));
        var status = page.Locator("[data-exit-status]");

        await page.Keyboard.PressAsync("Shift+A");
        await page.Keyboard.PressAsync("Shift+B");
        await page.Keyboard.PressAsync("Shift+C");
        await Assertions.Expect(status).ToHaveTextAsync("");

        // Two presses of Shift alone now are the first two: the capitals counted for nothing.
        await page.Keyboard.PressAsync("Shift");
        await Assertions.Expect(status).ToHaveTextAsync("Shift pressed. Press it 2 more times to exit this page.");
        await page.Keyboard.PressAsync("Shift");
        await Assertions.Expect(status).ToHaveTextAsync("Shift pressed. Press it 1 more time to exit this page.");
        Assert.EndsWith(Site.Part(2), page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_is_hidden_at_once_while_the_neutral_site_loads()
    {
        var context = await NewContextAsync();
        var release = new TaskCompletionSource();
        await context.RouteAsync(Browser.ExitUrl, async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Site.Part(4));

        // What the reader sees in the same instant as the click, before the neutral site answers.
        var seen = await page.EvaluateAsync<string>(
            """
            () => {
              document.querySelector('[data-exit-link]').click();
              const overlay = document.querySelector('.exit-overlay');
              return [getComputedStyle(document.querySelector('main')).display, overlay && getComputedStyle(overlay).display].join(' ');
            }
            """);

        Assert.Equal("none grid", seen);
        release.SetResult();
        await ArriveAsync(page, Browser.ExitUrl);
    }
}
