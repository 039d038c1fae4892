namespace Relational.Browser.Tests;

/// <summary>Reading comfort: motion, zoom, preferences applied before paint, discreet mode, print.</summary>
public sealed class ComfortTests(BrowserFixture browser) : BrowserTest(browser)
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
        await Assertions.Expect(page.GetByText("breathe in as the circle grows")).ToBeVisibleAsync();
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
        // The link to share is the part's neutral address, with no topic words in it.
        var neutral = await page.Locator("[data-share]").GetAttributeAsync("data-share-discreet");
        Assert.Matches("^" + System.Text.RegularExpressions.Regex.Escape(Browser.BaseUrl) + "/read/[0-9a-f]{10}$", neutral);
        await Assertions.Expect(page.Locator("#share-url")).ToHaveValueAsync(neutral!);
        await Assertions.Expect(page.Locator("[data-share-address]")).ToHaveTextAsync(neutral!);
    }

    [Fact]
    public async Task The_whole_article_prints_without_controls()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Site.Article + "/all");
        await page.EmulateMediaAsync(new() { Media = Media.Print });

        foreach (var selector in new[] { ".exit-this-page", ".site-header__nav", ".skip-link", ".whole__back" })
        {
            await Assertions.Expect(page.Locator(selector).First).ToBeHiddenAsync();
        }

        await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
        Assert.Equal(10, await page.Locator(".whole__part").CountAsync());
        await Assertions.Expect(page.Locator(".whole__part").Last).ToBeVisibleAsync();
        var pdf = await page.PdfAsync();
        Assert.True(pdf.Length > 10_000, "the printed article is a real document");
    }
}
