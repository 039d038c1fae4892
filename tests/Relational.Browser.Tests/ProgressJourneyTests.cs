namespace Relational.Browser.Tests;

/// <summary>Opting in to remember one's place, leaving, coming back: offered, never moved.</summary>
public sealed class ProgressJourneyTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_reader_who_opts_in_is_offered_their_place_on_return(bool javaScript)
    {
        var context = await NewContextAsync(new() { JavaScriptEnabled = javaScript });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Site.Part(3));
        Assert.Empty(await context.CookiesAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Remember my place on this device" }).ClickAsync();
        await Assertions.Expect(page.GetByText("This device remembers your place.")).ToBeVisibleAsync();
        Assert.Contains(await context.CookiesAsync(), c => c.Name == "relational-reader" && c.HttpOnly);
        if (javaScript)
        {
            // The confirmation came by ?progress=remembered; an address a reader copies or shares
            // from here must not carry it (without script the query stays: nothing can take it off).
            await Assertions.Expect(page).ToHaveURLAsync(
                new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(Browser.BaseUrl + Site.Part(3)) + "(#outcome)?$"));
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Continue to the next part" }).ClickAsync();
        await ArriveAsync(page, Site.Part(4));

        // Leave for somewhere else entirely, then come back to the cover later.
        await page.GotoAsync(Browser.ExitUrl);
        await page.GotoAsync(Site.Article);

        var offer = page.GetByRole(AriaRole.Link, new() { Name = "Continue from part 4" });
        await Assertions.Expect(offer).ToBeVisibleAsync();
        Assert.EndsWith(Site.Article, page.Url, StringComparison.Ordinal);
        await offer.ClickAsync();
        await ArriveAsync(page, Site.Part(4));
    }

    [Fact]
    public async Task A_resume_link_opened_on_another_device_carries_the_place_and_no_file_it_loads_is_asked_for_with_the_token()
    {
        var owner = await NewPageAsync();
        await owner.GotoAsync(Site.Part(3));
        await owner.GetByRole(AriaRole.Button, new() { Name = "Remember my place on this device" }).ClickAsync();
        await Assertions.Expect(owner.GetByText("This device remembers your place.")).ToBeVisibleAsync();
        await owner.GotoAsync("/progress");
        await owner.GetByRole(AriaRole.Button, new() { Name = "Make a private resume link" }).ClickAsync();
        var link = new Uri(await owner.Locator("#resume-url").InputValueAsync());
        var token = link.AbsolutePath.Split('/')[^1];

        var device = await NewPageAsync();
        var referrers = new List<(string Url, string? Referer)>();
        device.Request += (_, request) =>
        {
            if (request.Url.StartsWith(Browser.BaseUrl, StringComparison.Ordinal))
            {
                lock (referrers)
                {
                    referrers.Add((request.Url, request.Headers.TryGetValue("referer", out var referer) ? referer : null));
                }
            }
        };
        await device.GotoAsync(link.AbsolutePath);
        await device.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await device.GetByRole(AriaRole.Button, new() { Name = "Use this link on this device" }).ClickAsync();
        await Assertions.Expect(device.GetByText("This device now carries your place.")).ToBeVisibleAsync();

        lock (referrers)
        {
            // The resume page loaded its stylesheet and scripts, and the press was answered, none with the token as referrer.
            Assert.Contains(referrers, r => r.Url.EndsWith(".css", StringComparison.Ordinal));
            Assert.Contains(referrers, r => r.Url.EndsWith(".js", StringComparison.Ordinal));
            Assert.All(referrers, r => Assert.DoesNotContain(token, r.Referer ?? "", StringComparison.Ordinal));
        }
    }
}
