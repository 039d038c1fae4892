namespace Relational.Browser.Tests;

/// <summary>
/// Focus is never hidden under the sticky "Exit this page" bar (WCAG 2.2 SC 2.4.11): walking every
/// kind of page with Tab and Shift+Tab, at each text size the preferences offer and on small, zoomed
/// and wide screens; and a link to a point on a page lands below the bar.
/// </summary>
public sealed class FocusInSightTests(BrowserFixture browser) : BrowserTest(browser)
{
    /// <summary>
    /// Where the focused element stands: "body" when nothing has focus, "seen" for one met before
    /// on this walk, else "ok", or what covers it (or that it is off screen). Sampled across its top
    /// line, its middle and its focus ring just above it: any point of it under a fixed or sticky
    /// element that is not its own container is covered.
    /// </summary>
    internal const string FocusCheck =
        """
        () => {
          const el = document.activeElement;
          if (!el || el === document.body) return 'body';
          const seen = el.hasAttribute('data-walked');
          el.setAttribute('data-walked', '');
          const r = el.getBoundingClientRect();
          const name = `${el.tagName} "${(el.innerText || el.value || el.id || '').trim().slice(0, 40)}"`;
          if (r.width < 2 || r.height < 2 || el.tagName === 'MAIN') return seen ? 'seen' : 'ok';
          if (r.top < 0 || r.top >= innerHeight - 4) return `${name} is off screen (top ${Math.round(r.top)} of ${innerHeight})`;
          const pinned = n => { for (; n && n !== document.documentElement; n = n.parentElement) { const p = getComputedStyle(n).position; if (p === 'fixed' || p === 'sticky') return n; } return null; };
          const bottom = Math.min(r.bottom, innerHeight) - 1;
          // The ring just above, unless the element is drawn above everything itself (the skip link).
          const ring = pinned(el) || getComputedStyle(el).position === 'absolute' ? r.top + 1 : r.top - 4;
          const xs = [r.left + 2, (r.left + r.right) / 2, r.right - 2].map(x => Math.min(Math.max(x, 0), innerWidth - 1));
          for (const y of [ring, r.top + 1, (r.top + bottom) / 2, bottom]) {
            if (y < 0) continue;
            for (const x of xs) {
              const hit = document.elementFromPoint(x, y);
              if (!hit || hit === el || el.contains(hit)) continue;
              const cover = pinned(hit);
              if (cover && !cover.contains(el)) return `${name} is under ${cover.className || cover.tagName} at (${Math.round(x)}, ${Math.round(y)}), its top at ${Math.round(r.top)}`;
            }
          }
          return seen ? 'seen' : 'ok';
        }
        """;

    public static TheoryData<int, int> Screens() => new()
    {
        { 320, 256 },   // 1280×1024 at 400 % zoom
        { 390, 844 },
        { 640, 360 },
        { 1280, 720 },
    };

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task Tab_and_shift_tab_never_leave_focus_under_the_exit_bar_on_any_page_at_any_text_size(int width, int height)
    {
        var problems = new List<string>();
        foreach (var size in new[] { "", "large", "larger" })
        {
            var context = await NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
            await context.AddInitScriptAsync($"localStorage.setItem('relational-prefs', JSON.stringify({{ size: '{size}' }}));");
            var page = await context.NewPageAsync();
            foreach (var path in await PageKindsAsync(page))
            {
                await page.GotoAsync(path);
                // Forward from the top until focus comes round again, then back the same way.
                var steps = 0;
                for (var seen = false; !seen && steps < 120; steps++)
                {
                    await page.Keyboard.PressAsync("Tab");
                    await SettleAsync(page);
                    var where = await page.EvaluateAsync<string>(FocusCheck);
                    seen = where == "seen" || (where == "body" && steps > 0);
                    Note(problems, where, $"{path} at {width}×{height}, text '{size}', Tab {steps + 1}");
                }

                await page.EvaluateAsync("() => document.querySelectorAll('[data-walked]').forEach(e => e.removeAttribute('data-walked'))");
                for (var back = 0; back < steps; back++)
                {
                    await page.Keyboard.PressAsync("Shift+Tab");
                    await SettleAsync(page);
                    Note(problems, await page.EvaluateAsync<string>(FocusCheck), $"{path} at {width}×{height}, text '{size}', Shift+Tab {back + 1}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(40)));
    }

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task A_link_to_contents_or_to_a_message_lands_below_the_exit_bar(int width, int height)
    {
        var page = await NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        foreach (var size in new[] { "", "large", "larger" })
        {
            await page.GotoAsync("/preferences");
            await page.EvaluateAsync($"localStorage.setItem('relational-prefs', JSON.stringify({{ size: '{size}' }}))");
            await page.GotoAsync(Site.Article + "#contents");
            await AssertBelowTheBarAsync(page, "#contents", $"{width}×{height}, text '{size}'");

            // A part's "Back to contents" lands there too.
            await page.GotoAsync(Site.Part(4));
            await page.GetByRole(AriaRole.Link, new() { Name = "Back to contents" }).ClickAsync();
            await ArriveAsync(page, Site.Article + "#contents");
            await AssertBelowTheBarAsync(page, "#contents", $"Back to contents, {width}×{height}, text '{size}'");
        }
    }

    /// <summary>The top of <paramref name="selector"/> is on screen and below the bar's bottom edge.</summary>
    internal static async Task AssertBelowTheBarAsync(IPage page, string selector, string where, bool javaScript = true)
    {
        await SettleAsync(page, javaScript);
        var seen = await page.EvaluateAsync<string>(
            """
            selector => {
              const bar = document.querySelector('[data-exit-this-page]').getBoundingClientRect();
              const top = document.querySelector(selector).getBoundingClientRect().top;
              return top >= bar.bottom && top < innerHeight - 20 ? 'below the bar' : `top ${Math.round(top)}, bar ends at ${Math.round(bar.bottom)}, screen ${innerHeight}`;
            }
            """,
            selector);
        Assert.True(seen == "below the bar", $"{selector} ({where}): {seen}");
    }

    /// <summary>
    /// Waits for two animation frames, so what is checked is what the reader sees once the scrolling
    /// that focus or a fragment brings has settled. A page without scripts runs none, and needs none.
    /// </summary>
    internal static async Task SettleAsync(IPage page, bool javaScript = true)
    {
        if (javaScript)
        {
            await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r())))");
        }
    }

    /// <summary>Every kind of page: home, cover, part, all, progress, staying safe, preferences and a discreet part.</summary>
    private static async Task<IReadOnlyList<string>> PageKindsAsync(IPage page)
    {
        await page.GotoAsync(Site.Part(3));
        var discreet = new Uri(await page.Locator("[data-share-discreet]").GetAttributeAsync("data-share-discreet") ?? "").AbsolutePath;
        return ["/", Site.Article, Site.Part(3), $"{Site.Article}/all", "/progress", "/staying-safe", "/preferences", discreet];
    }

    private static void Note(List<string> problems, string where, string when)
    {
        if (where is not ("ok" or "seen" or "body"))
        {
            problems.Add($"{when}: {where}");
        }
    }
}
