namespace Relational.Browser.Tests;

/// <summary>A test in the shared browser: each page it opens gets its own context, closed afterwards.</summary>
[Collection(BrowserTests.Name)]
public abstract class BrowserTest(BrowserFixture browser) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    protected BrowserFixture Browser => browser;

    /// <summary>A fresh, isolated context (its own storage and history) pointed at the site.</summary>
    protected async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        var context = await browser.NewContextAsync(options);
        _contexts.Add(context);
        return context;
    }

    /// <summary>A fresh context in the Chromium that keeps its back/forward cache, closed after the test.</summary>
    protected async Task<IBrowserContext> NewContextKeepingBackForwardAsync(BackForwardCacheChromium chromium)
    {
        var context = await chromium.Browser.NewContextAsync(new() { BaseURL = browser.BaseUrl });
        _contexts.Add(context);
        return context;
    }

    protected async Task<IPage> NewPageAsync(BrowserNewContextOptions? options = null) =>
        await (await NewContextAsync(options)).NewPageAsync();

    /// <summary>
    /// Waits until the page has moved to <paramref name="pathOrUrl"/> (its document parsed and its scripts
    /// run); what the reader then sees is checked with auto-waiting assertions.
    /// </summary>
    protected static async Task ArriveAsync(IPage page, string pathOrUrl)
    {
        // Polls the page's address rather than waiting for a navigation event, which a fast
        // navigation can finish before the wait begins.
        await Assertions.Expect(page).ToHaveURLAsync(
            new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(pathOrUrl) + "$"),
            new() { Timeout = 15_000 });
        // Asked of the document itself: Playwright's own record of DOMContentLoaded once missed it on
        // a page the service worker answered (its log showed load and network idle, and the wait ran out).
        await page.WaitForFunctionAsync("document.readyState !== 'loading'", null, new() { Timeout = 15_000 });
    }

    /// <summary>The tab shows <paramref name="path"/> again after Back (a page restored whole fires no load events to wait for).</summary>
    protected static Task ShownAsync(IPage page, string path) =>
        Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(path) + "$"));

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        GC.SuppressFinalize(this);
    }
}
