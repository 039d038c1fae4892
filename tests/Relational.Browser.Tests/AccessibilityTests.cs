using System.Text.Json;
using Xunit.Abstractions;

namespace Relational.Browser.Tests;

/// <summary>axe-core (WCAG 2.2 A/AA and best practice) on every page, wide and narrow, light and dark.</summary>
public sealed class AccessibilityTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser)
{
    private static readonly Lazy<string> Axe = new(() => File.ReadAllText(Repository.AxeScript));

    private static readonly (int Width, ColorScheme Scheme)[] Modes =
    [
        (1280, ColorScheme.Light), (1280, ColorScheme.Dark), (375, ColorScheme.Light), (375, ColorScheme.Dark),
    ];

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
        await page.GotoAsync(path);
        await page.AddScriptTagAsync(new() { Content = Axe.Value });

        var problems = new List<string>();
        foreach (var (width, scheme) in Modes)
        {
            await page.SetViewportSizeAsync(width, 900);
            await page.EmulateMediaAsync(new() { ColorScheme = scheme });
            var violations = await page.EvaluateAsync<JsonElement>(
                """
                async () => {
                  const result = await axe.run(document, {
                    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
                  });
                  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help}\n` +
                    v.nodes.slice(0, 3).map(n => `  at ${n.target.join(' ')}: ${n.failureSummary}`).join('\n'));
                }
                """);
            var found = violations.EnumerateArray().Select(v => $"{path} {width}px {scheme}: {v.GetString()}").ToList();
            output.WriteLine($"axe {path} {width}px {scheme}: {found.Count} violations");
            problems.AddRange(found);
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
