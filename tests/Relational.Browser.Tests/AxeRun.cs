using System.Text.Json;

namespace Relational.Browser.Tests;

/// <summary>axe-core (WCAG 2.2 A/AA and best practice) on one page, wide and narrow, light and dark.</summary>
internal static class AxeRun
{
    private static readonly Lazy<string> Script = new(() => File.ReadAllText(Repository.AxeScript));

    private static readonly (int Width, ColorScheme Scheme)[] Modes =
    [
        (1280, ColorScheme.Light), (1280, ColorScheme.Dark), (375, ColorScheme.Light), (375, ColorScheme.Dark),
    ];

    /// <summary>
    /// Opens <paramref name="path"/> and lists axe's violations in every mode. axe is injected as an
    /// inline script, which the site's CSP rightly forbids: the page's context must bypass CSP.
    /// </summary>
    public static async Task<List<string>> ViolationsAsync(IPage page, string path, ITestOutputHelper output)
    {
        await page.GotoAsync(path);
        await page.AddScriptTagAsync(new() { Content = Script.Value });

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

        return problems;
    }
}
