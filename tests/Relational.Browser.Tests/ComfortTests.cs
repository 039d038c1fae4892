namespace Relational.Browser.Tests;

/// <summary>Reading comfort: motion, zoom, preferences applied before paint, discreet mode, print.</summary>
public sealed partial class ComfortTests(BrowserFixture browser) : BrowserTest(browser)
{
    private const string CircleAnimation = "getComputedStyle(document.querySelector('.breathing-circle')).animationName";

    [Fact]
    public async Task The_breathing_circle_moves_only_when_opened()
    {
        var page = await NewPageAsync(new() { ReducedMotion = ReducedMotion.NoPreference });
        await page.GotoAsync(Site.Part(1));

        Assert.Equal("none", await page.EvaluateAsync<string>(CircleAnimation));
        await page.GetByText("Breathe along with a slow circle").ClickAsync();
        Assert.Equal("breathe", await page.EvaluateAsync<string>(CircleAnimation));
        await page.GetByText("Breathe along with a slow circle").ClickAsync();
        Assert.Equal("none", await page.EvaluateAsync<string>(CircleAnimation));
    }

    [Fact]
    public async Task Under_reduced_motion_the_breathing_circle_stays_still()
    {
        var page = await NewPageAsync(new() { ReducedMotion = ReducedMotion.Reduce });
        await page.GotoAsync(Site.Part(1));

        await page.GetByText("Breathe along with a slow circle").ClickAsync();

        await Assertions.Expect(page.Locator(".breathing-circle")).ToBeVisibleAsync();
        Assert.Equal("none", await page.EvaluateAsync<string>(CircleAnimation));
        // The words are true for a circle that stands still.
        await Assertions.Expect(page.GetByText("breathe in slowly, and out a little more slowly")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("breathe in as the circle grows")).ToBeHiddenAsync();
        Assert.DoesNotContain("grows", await page.Locator(".pause__breathing").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Where_the_circle_moves_the_words_follow_it()
    {
        var page = await NewPageAsync(new() { ReducedMotion = ReducedMotion.NoPreference });
        await page.GotoAsync(Site.Part(1));

        await page.GetByText("Breathe along with a slow circle").ClickAsync();

        await Assertions.Expect(page.GetByText("breathe in as the circle grows")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("breathe in slowly, and out a little more slowly")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task In_forced_colours_the_circle_and_the_exit_button_keep_their_shapes()
    {
        var page = await NewPageAsync(new() { ReducedMotion = ReducedMotion.Reduce });
        await page.EmulateMediaAsync(new() { ForcedColors = ForcedColors.Active });
        await page.GotoAsync(Site.Part(1));
        await page.GetByText("Breathe along with a slow circle").ClickAsync();

        // The circle is drawn: part of its box is not the page's background.
        var circle = page.Locator(".breathing-circle");
        var drawn = await ShareUnlikeBackgroundAsync(page, circle, column: null);
        Assert.True(drawn > 0.1, $"the circle is {drawn:P0} drawn");

        // The exit button has an outline of its own: its left edge, top to bottom, is drawn.
        var exit = page.GetByRole(AriaRole.Link, new() { Name = "Exit this page" });
        Assert.Equal("solid", await exit.EvaluateAsync<string>("e => getComputedStyle(e).borderLeftStyle"));
        var edge = await ShareUnlikeBackgroundAsync(page, exit, column: 0);
        Assert.True(edge > 0.9, $"the exit button's left edge is {edge:P0} drawn");
    }

    [Fact]
    public async Task With_more_contrast_asked_for_secondary_text_and_lines_are_as_strong_as_the_text()
    {
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            var page = await NewPageAsync(new() { ColorScheme = scheme, Contrast = Contrast.More });
            await page.GotoAsync(Site.Article);

            var text = await page.EvaluateAsync<string>("getComputedStyle(document.body).color");
            Assert.Equal(text, await page.Locator(".cover__attribution").EvaluateAsync<string>("e => getComputedStyle(e).color"));
            Assert.Equal(text, await page.Locator(".contents__length").First.EvaluateAsync<string>("e => getComputedStyle(e).color"));
            Assert.Equal(text, await page.Locator(".contents__item").First.EvaluateAsync<string>("e => getComputedStyle(e).borderTopColor"));
            var exit = page.GetByRole(AriaRole.Link, new() { Name = "Exit this page" });
            Assert.Equal("2px solid " + text, await exit.EvaluateAsync<string>("e => { const s = getComputedStyle(e); return `${s.borderLeftWidth} ${s.borderLeftStyle} ${s.borderLeftColor}`; }"));
        }

        // Without the request, the quieter colours stay.
        var calm = await NewPageAsync(new() { Contrast = Contrast.NoPreference });
        await calm.GotoAsync(Site.Article);
        Assert.NotEqual(
            await calm.EvaluateAsync<string>("getComputedStyle(document.body).color"),
            await calm.Locator(".cover__attribution").EvaluateAsync<string>("e => getComputedStyle(e).color"));
    }

    /// <summary>
    /// The share of an element's pixels (or of one column of them) unlike the page's background,
    /// from a screenshot: what a reader's eye would find there.
    /// </summary>
    private static async Task<double> ShareUnlikeBackgroundAsync(IPage page, ILocator element, int? column)
    {
        using var shot = SkiaSharp.SKBitmap.Decode(await element.ScreenshotAsync());
        using var corner = SkiaSharp.SKBitmap.Decode(await page.ScreenshotAsync(new() { Clip = new() { X = 0, Y = 0, Width = 1, Height = 1 } }));
        var background = corner.GetPixel(0, 0);
        var (unlike, all) = (0, 0);
        for (var y = 0; y < shot.Height; y++)
        {
            for (var x = column ?? 0; x < (column + 1 ?? shot.Width); x++)
            {
                var pixel = shot.GetPixel(x, y);
                all++;
                if (Math.Abs(pixel.Red - background.Red) + Math.Abs(pixel.Green - background.Green) + Math.Abs(pixel.Blue - background.Blue) > 60)
                {
                    unlike++;
                }
            }
        }

        return (double)unlike / all;
    }

    public static TheoryData<string> ZoomPages() => new(Site.AllPages());

    [Theory]
    [MemberData(nameof(ZoomPages))]
    public async Task At_400_percent_zoom_nothing_scrolls_sideways(string path)
    {
        // 1280 × 1024 at 400% is a 320 × 256 CSS-pixel viewport.
        var page = await NewPageAsync(new() { ViewportSize = new() { Width = 320, Height = 256 } });
        await page.GotoAsync(path);

        foreach (var size in new[] { "standard", "larger" })
        {
            await page.EvaluateAsync($"document.documentElement.setAttribute('data-text-size', '{size}')");
            var overflow = await page.EvaluateAsync<int>(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"{path} at text size {size} scrolls sideways by {overflow}px");
        }
    }

    [Fact]
    public async Task Preferences_apply_at_once_and_before_the_next_page_is_painted()
    {
        var context = await NewContextAsync();
        // Note what the page looks like when <body> first exists, before anything can be painted.
        await context.AddInitScriptAsync(
            """
            new MutationObserver((_, observer) => {
              if (!document.body) return;
              const root = document.documentElement;
              window.atFirstBody = [root.getAttribute('data-theme'), root.getAttribute('data-text-size'), root.getAttribute('data-pauses')].join(' ');
              observer.disconnect();
            }).observe(document, { childList: true, subtree: true });
            """);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/preferences");

        await page.GetByLabel("Dark").CheckAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await page.GetByLabel("Larger").CheckAsync();
        await page.GetByLabel("Hide them").CheckAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved in this browser.");

        await page.GotoAsync(Site.Part(3));
        Assert.Equal("dark larger off", await page.EvaluateAsync<string>("window.atFirstBody"));
        Assert.Equal("rgb(23, 25, 28)", await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor"));
        await Assertions.Expect(page.Locator(".pause")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Continue to the next part" })).ToBeVisibleAsync();

        await page.ReloadAsync();
        Assert.Equal("dark larger off", await page.EvaluateAsync<string>("window.atFirstBody"));
        await page.GotoAsync("/preferences");
        await Assertions.Expect(page.GetByLabel("Dark")).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Larger")).ToBeCheckedAsync();
    }

    [Fact]
    public async Task The_light_theme_can_be_chosen_on_a_dark_system()
    {
        var page = await NewPageAsync(new() { ColorScheme = ColorScheme.Dark });
        await page.GotoAsync(Site.Part(1));
        Assert.Equal("rgb(23, 25, 28)", await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor"));

        await page.GotoAsync("/preferences");
        await page.GetByLabel("Light").CheckAsync();
        await page.GotoAsync(Site.Part(1));

        Assert.Equal("rgb(251, 250, 247)", await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor"));
    }

    [Fact]
    public async Task Discreet_mode_gives_the_tab_a_neutral_title_and_icon()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Site.Part(3));
        Assert.Contains("Part 3 of 10", await page.TitleAsync(), StringComparison.Ordinal);

        await page.GotoAsync("/preferences");
        await page.GetByLabel("On: show only “Reading”").CheckAsync();
        Assert.Equal("Reading", await page.TitleAsync());
        await page.GotoAsync(Site.Part(3));

        Assert.Equal("Reading", await page.TitleAsync());
        Assert.Equal("/favicon-neutral.svg", await page.Locator("link[rel=icon]").GetAttributeAsync("href"));
        // No feed named for the topic is offered to the browser or its extensions.
        Assert.Equal(0, await page.Locator("link[type='application/atom+xml']").CountAsync());
        // The link to share is the part's neutral address, with no topic words in it.
        var neutral = await page.Locator("[data-share]").GetAttributeAsync("data-share-discreet");
        Assert.Matches("^" + System.Text.RegularExpressions.Regex.Escape(Browser.BaseUrl) + "/read/[0-9a-f]{10}$", neutral);
        await Assertions.Expect(page.Locator("#share-url")).ToHaveValueAsync(neutral!);
        await Assertions.Expect(page.Locator("[data-share-address]")).ToHaveTextAsync(neutral!);
    }

    /// <summary>Everything a reader could press or fill in, and the lines that only make sense on screen.</summary>
    private const string Controls =
        "a.skip-link, .exit-this-page, nav, form, button, input, select, textarea, summary, .part-after, .share, "
        + ".progress-controls, .continue-offer, .offline-control, .whole__back, .part__start-over";

    [Fact]
    public async Task The_whole_article_prints_on_a_few_A4_pages_without_controls_and_with_headings_kept_with_their_text()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Site.Article + "/all");
        await page.EmulateMediaAsync(new() { Media = Media.Print });

        Assert.True(await page.Locator(Controls).CountAsync() > 0);
        Assert.Empty(await PrintedControlsAsync(page));
        await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
        Assert.Equal(10, await page.Locator(".whole__part").CountAsync());
        await Assertions.Expect(page.Locator(".whole__part").Last).ToBeVisibleAsync();
        // A heading (and the "Part N of 10" line above it) never ends a page; a list item is never split.
        Assert.All(await ComputedAsync(page, "h1, h2, .part__position", "breakAfter"), value => Assert.Equal("avoid", value));
        Assert.All(await ComputedAsync(page, ".prose li", "breakInside"), value => Assert.Equal("avoid", value));
        Assert.NotEmpty(await ComputedAsync(page, ".prose li", "breakInside"));
        // The page box has margins of its own, whatever the browser's print dialog defaults to.
        var margins = await page.EvaluateAsync<string[]>(
            "[...document.styleSheets].flatMap(s => [...s.cssRules]).filter(r => r instanceof CSSPageRule).map(r => r.style.margin)");
        Assert.Contains(margins, margin => margin.Length > 0 && margin != "0px");

        var pdf = await page.PdfAsync(new() { Format = "A4" });
        var pages = PdfPage().Count(System.Text.Encoding.Latin1.GetString(pdf));
        // About 1,700 words: a handful of pages, not one per part and not everything crammed onto two.
        Assert.InRange(pages, 3, 10);
    }

    [Fact]
    public async Task A_part_prints_its_text_without_the_way_on_the_forms_or_the_start_over_line()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Site.Part(3));
        await Assertions.Expect(page.GetByText("New here? You can start from the beginning.")).ToBeVisibleAsync();
        await page.EmulateMediaAsync(new() { Media = Media.Print });

        Assert.Empty(await PrintedControlsAsync(page));
        foreach (var selector in new[] { ".part__start-over", ".part-after", ".exit-this-page", ".site-header__nav" })
        {
            Assert.Equal(new[] { "none" }, await ComputedAsync(page, selector, "display"));
        }

        await Assertions.Expect(page.Locator("article h1")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("article .prose")).ToBeVisibleAsync();
        Assert.InRange(PdfPage().Count(System.Text.Encoding.Latin1.GetString(await page.PdfAsync(new() { Format = "A4" }))), 1, 2);
    }

    /// <summary>The controls a printout would show (the browser's own visibility check, ancestors included).</summary>
    private static async Task<string[]> PrintedControlsAsync(IPage page) =>
        await page.EvaluateAsync<string[]>(
            "selector => [...document.querySelectorAll(selector)].filter(e => e.checkVisibility()).map(e => e.outerHTML.slice(0, 120))",
            Controls);

    private static async Task<string[]> ComputedAsync(IPage page, string selector, string property) =>
        await page.EvaluateAsync<string[]>(
            "([selector, property]) => [...document.querySelectorAll(selector)].map(e => getComputedStyle(e)[property])",
            new[] { selector, property });

    /// <summary>A page object in the PDF Chromium writes (its page tree is "/Type /Pages").</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"/Type\s*/Page(?!s)")]
    private static partial System.Text.RegularExpressions.Regex PdfPage();
}
