
namespace Relational.Browser.Tests;

/// <summary>axe-core (WCAG 2.2 A/AA and best practice) on every page, wide and narrow, light and dark.</summary>
public sealed class AccessibilityTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser)
{
    public static TheoryData<string> Pages() => new(Site.AllPages());

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Axe_finds_no_violations_wide_narrow_light_or_dark(string path)
    {
        // axe is injected as an inline script, which the site's CSP rightly forbids.
        var page = await NewPageAsync(new() { BypassCSP = true });
        await AssertNoViolationsAsync(page, path);
    }

    [Theory]
    [InlineData(Site.Article)]
    [InlineData("/progress")]
    public async Task Axe_finds_no_violations_for_a_reader_who_asked_to_be_remembered(string path)
    {
        var page = await NewPageAsync(new() { BypassCSP = true });
        await page.GotoAsync(Site.Part(2));
        await page.GetByRole(AriaRole.Button, new() { Name = "Remember my place on this device" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "I’ve finished this part" }).ClickAsync();
        await page.GotoAsync(Site.Part(3));
        await AssertNoViolationsAsync(page, Site.Part(3));

        await AssertNoViolationsAsync(page, path);
    }

    private async Task AssertNoViolationsAsync(IPage page, string path)
    {
        var problems = await AxeRun.ViolationsAsync(page, path, output);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
