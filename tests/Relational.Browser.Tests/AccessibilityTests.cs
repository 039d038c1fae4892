using System.Text.Json;
using Xunit.Abstractions;

namespace Relational.Browser.Tests;

/// <summary>axe-core (WCAG 2.2 A/AA and best practice) on every page, wide and narrow, light and dark.</summary>
[Collection(BrowserTests.Name)]
public sealed class AccessibilityTests(BrowserFixture browser, ITestOutputHelper output)
{
    private static readonly Lazy<string> Axe = new(() => File.ReadAllText(Repository.AxeScript));

    public static TheoryData<string, int, string> PagesAndModes()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var page in Site.AllPages())
        {
            foreach (var width in new[] { 1280, 375 })
            {
                foreach (var scheme in new[] { "light", "dark" })
                {
                    data.Add(page, width, scheme);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PagesAndModes))]
    public async Task Axe_finds_no_violations(string path, int width, string scheme)
    {
        await using var context = await browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = 900 },
            ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light,
            // axe is injected as an inline script, which the site's CSP rightly forbids.
            BypassCSP = true,
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await page.AddScriptTagAsync(new() { Content = Axe.Value });

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
        var found = violations.EnumerateArray().Select(v => v.GetString()).ToList();
        output.WriteLine($"axe {path} {width}px {scheme}: {found.Count} violations");
        Assert.True(found.Count == 0, string.Join("\n", found));
    }
}
