using System.Text.RegularExpressions;

namespace Relational.Browser.Tests;

/// <summary>
/// Discreet all the way: from a neutral address, every link within the series keeps neutral
/// addresses and titles, so the browser's history holds no topic words; and what Back shows after
/// a quick exit, as /staying-safe says.
/// </summary>
public sealed partial class DiscreetHistoryTests(BrowserFixture browser, BackForwardCacheChromium chromium) : BrowserTest(browser), IClassFixture<BackForwardCacheChromium>
{
    /// <summary>What a neutral page's address may be: a neutral part, cover or whole text, or a site page marked discreet.</summary>
    [GeneratedRegex(@"^(/read/[0-9a-f]{10}(/contents|/all)?(\?progress=[a-z-]+)?|/(progress)?\?discreet=1(&progress=[a-z-]+)?)(#[a-z]+)?$")]
    private static partial Regex NeutralAddress();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task From_a_discreet_part_every_link_in_the_series_keeps_the_address_and_title_neutral(bool javaScript)
    {
        var start = await DiscreetAddressAsync(2);
        var page = await NewPageAsync(new() { JavaScriptEnabled = javaScript });
        var visited = new List<string>();

        async Task FollowAsync(Func<ILocator> link, string heading)
        {
            await link().First.ClickAsync();
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(heading);
            await AssertNeutralAsync(page, visited);
        }

        await page.GotoAsync(start);
        await AssertNeutralAsync(page, visited);
        await FollowAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Continue to the next part" }), Title(3));
        await FollowAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Previous part" }), Title(2));
        await FollowAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "start from the beginning" }), Relational.Tests.Series.Title);
        await FollowAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Read the whole article on one page" }), Relational.Tests.Series.Title);
        await FollowAsync(() => page.GetByRole(AriaRole.Link, new() { Name = Title(5) }), Title(5));
        await FollowAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Back to contents" }), Relational.Tests.Series.Title);
        await FollowAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Begin with part 1" }), Title(1));

        // A reader who asks to be remembered from here stays discreet through the forms' answers.
        await FollowAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Remember my place on this device" }), Title(1));
        await FollowAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Continue to the next part" }), Title(2));
        await FollowAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Save my place here" }), Title(2));
        await FollowAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "I’ve finished this part" }), Title(2));
        await FollowAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Your progress" }), "Your progress");
        await FollowAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Continue from part 2" }), Title(2));
        await FollowAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Back to contents" }), Relational.Tests.Series.Title);
        await FollowAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Part 4" }), Title(4));
        await FollowAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Relational" }), "Welcome");
        await FollowAsync(() => page.GetByRole(AriaRole.Link, new() { Name = Relational.Tests.Series.Title }), Relational.Tests.Series.Title);

        // Back through the whole history: every entry is neutral too.
        for (var back = 0; back < visited.Count - 1; back++)
        {
            await page.GoBackAsync();
            await AssertNeutralAsync(page, null);
        }

        Assert.True(visited.Count > 15, string.Join(" ", visited));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task After_a_quick_exit_back_shows_the_page_before_the_one_left_as_staying_safe_says(bool discreet)
    {
        // In a browser that keeps its back/forward cache, as readers' browsers do.
        var page = await (await NewContextKeepingBackForwardAsync(chromium)).NewPageAsync();
        var (before, left) = discreet ? (await DiscreetAddressAsync(2), await DiscreetAddressAsync(3)) : (Site.Part(2), Site.Part(3));
        await page.GotoAsync(before);
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue to the next part" }).ClickAsync();
        await ArriveAsync(page, left);

        await page.GetByRole(AriaRole.Link, new() { Name = "Exit this page" }).ClickAsync();
        await ArriveAsync(page, Browser.ExitUrl);
        await page.GoBackAsync(new() { WaitUntil = WaitUntilState.Commit });

        // Not the page left, but the one before it, shown again as it was.
        await ShownAsync(page, before);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(Title(2));
        await Assertions.Expect(page.Locator(".exit-overlay")).ToHaveCountAsync(0);
        await Assertions.Expect(page).ToHaveTitleAsync(discreet ? "Reading" : $"{Title(2)} — Part 2 of 10");

        await page.GotoAsync("/staying-safe");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync(
            "Back then shows the page you opened before the one you left (often the previous part), as you left it");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync(
            "From a neutral address, every page of the series you open keeps a neutral address and the title “Reading”");
    }

    private static string Title(int part) => Relational.Tests.Series.Parts[part - 1].Title;

    /// <summary>The neutral address of part <paramref name="number"/>, as its share control gives it (read in a separate tab).</summary>
    private async Task<string> DiscreetAddressAsync(int number)
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Site.Part(number));
        return new Uri(await page.Locator("[data-share-discreet]").GetAttributeAsync("data-share-discreet") ?? "").AbsolutePath;
    }

    /// <summary>The page's address is a neutral one and its title says only "Reading" (after what a form did, if it did).</summary>
    private async Task AssertNeutralAsync(IPage page, List<string>? visited)
    {
        var url = new Uri(page.Url);
        var address = url.PathAndQuery + url.Fragment;
        Assert.Matches(NeutralAddress(), address);
        await Assertions.Expect(page).ToHaveTitleAsync(new Regex("^([A-Z][a-z ]+ — )?Reading$"));
        visited?.Add(address);
    }
}
