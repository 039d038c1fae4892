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
