using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Relational.Browser.Tests;

/// <summary>
/// One real site on Kestrel (loopback), one stand-in "neutral site" for Exit this page, and one
/// Debian Chromium, shared by every browser test. Each test opens its own browser context.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private WebApplication? _exitSite;
    private KestrelSite? _site;
    private IPlaywright? _playwright;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The neutral page "Exit this page" leads to, served by the tests on loopback.</summary>
    public string ExitUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        _exitSite = await StartExitSiteAsync();
        ExitUrl = Address(_exitSite.Services) + "/weather";

        _site = new KestrelSite(ExitUrl);
        _site.StartServer();
        BaseUrl = Address(_site.Services);

        (_playwright, Browser) = await LaunchChromiumAsync();
    }

    /// <summary>
    /// Debian's Chromium through Playwright, which must never download a browser of its own.
    /// Playwright turns the back/forward cache off; <paramref name="backForwardCache"/> keeps it on,
    /// as it is in every reader's browser.
    /// </summary>
    internal static async Task<(IPlaywright, IBrowser)> LaunchChromiumAsync(bool backForwardCache = false)
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is not at {ChromiumPath}. The browser tests use Debian's Chromium: run `bash tests/run-all.sh` " +
                "(it installs it) or `apt-get install chromium`.");
        }

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            IgnoreDefaultArgs = backForwardCache ? ["--disable-back-forward-cache"] : null,
        });
        return (playwright, browser);
    }

    public Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        options ??= new();
        options.BaseURL = BaseUrl;
        return Browser.NewContextAsync(options);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_site is not null)
        {
            await _site.DisposeAsync();
        }

        if (_exitSite is not null)
        {
            await _exitSite.DisposeAsync();
        }
    }

    internal static string Address(IServiceProvider services) =>
        services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');

    /// <summary>The stand-in neutral site "Exit this page" leads to, on loopback.</summary>
    internal static async Task<WebApplication> StartExitSiteAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/weather", () => Results.Content(
            "<!DOCTYPE html><html lang=en><title>Weather</title><h1>Weather</h1>", "text/html"));
        await app.StartAsync();
        return app;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserTests : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Real Chromium against the real site";
}
