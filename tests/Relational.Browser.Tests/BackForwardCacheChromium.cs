namespace Relational.Browser.Tests;

/// <summary>
/// A second Chromium with the back/forward cache on, as in a reader's browser (Playwright turns it
/// off by default), for the tests of what Back shows. It reads the shared fixture's site.
/// </summary>
public sealed class BackForwardCacheChromium : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    public async ValueTask InitializeAsync() => (_playwright, Browser) = await BrowserFixture.LaunchChromiumAsync(backForwardCache: true);

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
