namespace Relational.Browser.Tests;

/// <summary>The whole reading journey with the keyboard alone, and arrow keys between parts.</summary>
public sealed class KeyboardTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task A_reader_can_read_all_ten_parts_with_the_keyboard_alone()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Site.Article);

        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to main content", await FocusedTextAsync(page));
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("main", await page.EvaluateAsync<string>("document.activeElement.id"));
        await TabToAsync(page, "Begin with part 1");
        await page.Keyboard.PressAsync("Enter");

        for (var n = 1; n <= 10; n++)
        {
            await ArriveAsync(page, Site.Part(n));
            await Assertions.Expect(page.Locator(".part__position")).ToContainTextAsync($"Part {n} of 10");
            if (n == 10)
            {
                await Assertions.Expect(page.GetByText("This is the last part.")).ToBeVisibleAsync();
                break;
            }

            await page.Keyboard.PressAsync("Tab");
            Assert.Equal("Skip to main content", await FocusedTextAsync(page));
            await page.Keyboard.PressAsync("Enter");
            await TabToAsync(page, "Continue to the next part");
            await page.Keyboard.PressAsync("Enter");
        }
    }

    [Fact]
    public async Task Arrow_keys_move_to_the_previous_and_next_part()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Site.Part(5));

        await page.Keyboard.PressAsync("ArrowRight");
        await ArriveAsync(page, Site.Part(6));
        await page.Keyboard.PressAsync("ArrowLeft");
        await ArriveAsync(page, Site.Part(5));
        await page.Keyboard.PressAsync("ArrowLeft");
        await ArriveAsync(page, Site.Part(4));
    }

    [Fact]
    public async Task Arrow_keys_stay_put_while_anything_interactive_has_focus_or_a_modifier_is_held()
    {
        var context = await NewContextAsync();
        // Every navigation the page starts, noted when it starts (the navigate event fires inside
        // the call that starts it) and kept across pages in this tab.
        await context.AddInitScriptAsync(
            """
            navigation.addEventListener('navigate', e => {
              const seen = JSON.parse(sessionStorage.getItem('navigations') || '[]');
              sessionStorage.setItem('navigations', JSON.stringify([...seen, new URL(e.destination.url).pathname]));
            });
            """);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Site.Part(5));

        await page.Keyboard.PressAsync("Shift+ArrowRight");
        await page.Keyboard.PressAsync("Control+ArrowLeft");
        // A link or a button has focus: the arrows are the reader's own (scrolling, a screen reader).
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to contents" }).FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remember my place on this device" }).FocusAsync();
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.Locator(".pause__breathing summary").FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Locator("#share-url").FocusAsync();
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.Keyboard.PressAsync("ArrowRight");
        Assert.Equal("[]", await NavigationsAsync(page));

        // The same page does move on a plain arrow key once the field lets go of focus: the keys
        // above were heard, and ignored.
        await page.Locator("#share-url").BlurAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await ArriveAsync(page, Site.Part(6));
        Assert.Equal($"[\"{Site.Part(6)}\"]", await NavigationsAsync(page));
    }

    private static Task<string> NavigationsAsync(IPage page) =>
        page.EvaluateAsync<string>("sessionStorage.getItem('navigations') || '[]'");

    [Fact]
    public async Task The_way_on_is_named_with_the_next_part_as_a_screen_reader_hears_it()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Site.Part(2));

        await Assertions.Expect(page.Locator("a[rel=next]"))
            .ToHaveAccessibleNameAsync("Continue to the next part, Part 3: Why Self-Work Alone Often Isn’t Enough");
        await Assertions.Expect(page.Locator("a[rel=prev]")).ToHaveAccessibleNameAsync("Previous part, Part 1: Before We Begin");
    }

    [Fact]
    public async Task A_part_s_length_and_state_are_heard_as_separate_words()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Site.Part(3));
        await page.GetByRole(AriaRole.Button, new() { Name = "Remember my place on this device" }).ClickAsync();
        await Assertions.Expect(page.GetByText("This device remembers your place.")).ToBeVisibleAsync();
        await page.GotoAsync(Site.Article);

        var third = page.Locator(".contents__item").Nth(2);
        await Assertions.Expect(third.Locator(".contents__state")).ToHaveTextAsync("◐ Started");
        // What a screen reader reads for the item: the words apart, the icon not at all.
        var item = await third.AriaSnapshotAsync();
        Assert.Contains("under a minute, Started", item, StringComparison.Ordinal);
        Assert.DoesNotContain("minuteStarted", item, StringComparison.Ordinal);
        await Assertions.Expect(third.GetByRole(AriaRole.Link)).ToHaveAccessibleNameAsync($"Part 3: {Relational.Tests.Series.Parts[2].Title}");
    }

    [Fact]
    public async Task Every_focused_control_shows_a_visible_focus_ring()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Site.Part(2));

        for (var i = 0; i < 12; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var ring = await page.EvaluateAsync<string>(
                "(() => { const s = getComputedStyle(document.activeElement); return `${document.activeElement.tagName} ${s.outlineStyle} ${s.outlineWidth}`; })()");
            Assert.DoesNotContain(" none ", ring + " ", StringComparison.Ordinal);
            Assert.EndsWith(" 3px", ring, StringComparison.Ordinal);
        }
    }

    internal static Task<string> FocusedTextAsync(IPage page) =>
        page.EvaluateAsync<string>("(document.activeElement.innerText || document.activeElement.value || '').trim()");

    /// <summary>Presses Tab until the focused control's text starts with <paramref name="text"/>.</summary>
    internal static async Task TabToAsync(IPage page, string text, int limit = 40)
    {
        for (var i = 0; i < limit; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if ((await FocusedTextAsync(page)).StartsWith(text, StringComparison.Ordinal))
            {
                return;
            }
        }

        Assert.Fail($"\"{text}\" was not reached within {limit} presses of Tab on {page.Url}");
    }
}
