namespace Relational.Browser.Tests;

/// <summary>
/// The README's pictures of a part, desktop and phone, light and dark. Written into the test
/// output; with RELATIONAL_UPDATE_SCREENSHOTS=1 they replace docs/screenshots/*.png.
/// </summary>
public sealed class Screenshots(BrowserFixture browser) : BrowserTest(browser)
{
    [Theory]
    [InlineData("desktop", 1280, 900, "light")]
    [InlineData("desktop", 1280, 900, "dark")]
    [InlineData("phone", 375, 812, "light")]
    [InlineData("phone", 375, 812, "dark")]
    public async Task A_part_is_photographed_for_the_readme(string device, int width, int height, string scheme)
    {
        var page = await NewPageAsync(new()
        {
            ViewportSize = new() { Width = width, Height = height },
            DeviceScaleFactor = 1,
            ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light,
        });
        await page.GotoAsync(Site.Part(2));
        // Hide the test server's random port in the pictures.
        await page.Locator("#share-url").EvaluateAsync("(field, path) => field.value = 'https://example.org' + path", Site.Part(2));

        var update = Environment.GetEnvironmentVariable("RELATIONAL_UPDATE_SCREENSHOTS") == "1";
        var folder = update
            ? Path.Combine(Repository.Root, "docs", "screenshots")
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"part-{device}-{scheme}.png");
        var png = await page.ScreenshotAsync(new() { Path = file, FullPage = true });

        Assert.True(png.Length > 10_000, $"{file} holds a real picture");
    }
}
