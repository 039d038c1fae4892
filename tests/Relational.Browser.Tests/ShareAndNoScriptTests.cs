namespace Relational.Browser.Tests;

/// <summary>Sharing a part, and the whole reading journey with JavaScript turned off.</summary>
public sealed class ShareAndNoScriptTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task The_share_control_copies_the_link_to_this_part()
    {
        var page = await NewPageAsync(new() { Permissions = ["clipboard-read", "clipboard-write"] });
        await page.GotoAsync(Site.Part(4));

        await page.GetByRole(AriaRole.Button, new() { Name = "Copy link" }).ClickAsync();

        await Assertions.Expect(page.Locator("[data-share-status]")).ToHaveTextAsync("Link copied.");
        Assert.Equal(Browser.BaseUrl + Site.Part(4), await page.EvaluateAsync<string>("navigator.clipboard.readText()"));
    }

    [Fact]
    public async Task Without_javascript_a_reader_reads_every_part_and_can_still_leave()
    {
        var page = await NewPageAsync(new() { JavaScriptEnabled = false });
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Healing Trauma in Relationship" }).First.ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Begin with part 1" }).ClickAsync();

        for (var n = 1; n <= 10; n++)
        {
            await ArriveAsync(page, Site.Part(n));
            await Assertions.Expect(page.Locator(".part__position")).ToContainTextAsync($"Part {n} of 10");
            await Assertions.Expect(page.Locator("[data-share-address]")).ToHaveTextAsync(Browser.BaseUrl + Site.Part(n));
            // No dead field or button: those come with the script.
            await Assertions.Expect(page.Locator(".share input, .share button")).ToHaveCountAsync(0);
            if (n < 10)
            {
                await page.GetByRole(AriaRole.Link, new() { Name = "Continue to the next part" }).ClickAsync();
            }
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Exit this page" }).ClickAsync();
        await ArriveAsync(page, Browser.ExitUrl);
    }

    [Fact]
    public async Task Without_javascript_the_preferences_page_says_what_applies_instead()
    {
        var page = await NewPageAsync(new() { JavaScriptEnabled = false, ColorScheme = ColorScheme.Dark });
        await page.GotoAsync("/preferences");

        await Assertions.Expect(page.GetByText("These choices need JavaScript.")).ToBeVisibleAsync();
        Assert.Equal("rgb(23, 25, 28)", await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor"));
    }
}
