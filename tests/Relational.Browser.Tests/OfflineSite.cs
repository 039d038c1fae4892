using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using Relational.Tests.Content;

namespace Relational.Browser.Tests;

/// <summary>
/// A second real site on Kestrel (loopback) for the offline tests, reading a throwaway copy of the
/// content so that a test can change the series while readers hold an offline copy of it.
/// </summary>
public sealed class OfflineSite : IAsyncLifetime
{
    private readonly Lock _lock = new();
    private KestrelSite? _factory;
    private HttpClient? _http;

    public ContentFolder Content { get; } = new();

    public string BaseUrl { get; private set; } = "";

    /// <summary>Starts the site once, its exit link pointed at the suite's stand-in neutral site.</summary>
    public void Start(string exitUrl)
    {
        lock (_lock)
        {
            if (_factory is not null)
            {
                return;
            }

            AddImage();
            _factory = new KestrelSite(exitUrl, new Dictionary<string, string>
            {
                ["Content:Path"] = Content.Root,
                // The site's own watcher loads a changed file, as it would on a real server.
                ["Content:WatchForChanges"] = "true",
            });
            _factory.StartServer();
            BaseUrl = BrowserFixture.Address(_factory.Services);
            _http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        }
    }

    /// <summary>Alt text of the image at the end of part 3: the copy holds the images beside the Markdown too.</summary>
    public const string ImageAlt = "A small green square";

    private void AddImage()
    {
        using (var bitmap = new SkiaSharp.SKBitmap(8, 8))
        {
            bitmap.Erase(SkiaSharp.SKColor.Parse("#3d6b5c"));
            using var png = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Content.File($"{Relational.Tests.Series.Slug}/square.png"), png.ToArray());
        }

        var part = Path.GetFileName(Directory.GetFiles(Content.ArticleFolder, "03-*.md").Single());
        Content.Edit($"{Relational.Tests.Series.Slug}/{part}", text => text + $"\n![{ImageAlt}](square.png)\n");
    }

    /// <summary>
    /// Changes a content file and waits (at most 30 s) until the site serves the new version, which
    /// its own file watcher loads, as it would on a real server.
    /// </summary>
    public async Task<string> ChangeContentAsync(string relative, Func<string, string> change)
    {
        var before = await ContentVersionAsync();
        Content.Edit(relative, change);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var now = await ContentVersionAsync();
            if (now != before)
            {
                return now;
            }

            Assert.True(DateTime.UtcNow < deadline, "the site did not load the changed content");
            await Task.Delay(100);
        }
    }

    /// <summary>The content version the site serves now, as the offline worker reads it.</summary>
    public async Task<string> ContentVersionAsync()
    {
        using var files = await _http!.GetFromJsonAsync<JsonDocument>("/offline/files");
        return files!.RootElement.GetProperty("version").GetString()!;
    }

    /// <summary>Today's readership counts, written by the site's own writer and read back from its store.</summary>
    public async Task<Dictionary<(string Article, string Part, Relational.Readership.Measure Measure), long>> ReadershipTodayAsync()
    {
        var services = _factory!.Services;
        Assert.True(await services.GetRequiredService<Relational.Readership.ReadershipWriter>().WriteAsync(CancellationToken.None));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var rows = await services.GetRequiredService<Relational.Readership.IReadershipStore>().ReadCountsAsync(today.AddDays(-1), today.AddDays(1));
        return rows!.ToDictionary(r => (r.Tally.Article, r.Tally.Part, r.Tally.Measure), r => r.Count);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        Content.Dispose();
    }
}
