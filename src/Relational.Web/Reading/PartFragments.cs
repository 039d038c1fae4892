using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Html;
using Relational.Content;
using Relational.Reading.Components;

namespace Relational.Reading;

/// <summary>
/// The parts of a part page that are the same for every reader: the pause, the way on and the
/// share link. Each is rendered once per version of the content (the link also per public address)
/// and then reused, so the page of a reader who opted in, which cannot be snapshotted whole, only
/// has its progress forms rendered afresh. Everything is dropped when the content changes; a full
/// cache renders without keeping, so made-up Host headers cannot grow it.
/// </summary>
public sealed class PartFragments : IAsyncDisposable
{
    private const int MaxEntries = 256;

    // The renderer needs scoped services (the components' activity source), so it gets a scope of
    // its own for as long as it lives rather than reaching into the root provider.
    private readonly AsyncServiceScope _scope;
    private readonly HtmlRenderer _renderer;
    private readonly PerContentVersion<string, HtmlString> _fragments;

    public PartFragments(IServiceScopeFactory scopes, ILoggerFactory loggers, CatalogueProvider catalogue)
    {
        _scope = scopes.CreateAsyncScope();
        _renderer = new HtmlRenderer(_scope.ServiceProvider, loggers);
        _fragments = new PerContentVersion<string, HtmlString>(catalogue, MaxEntries);
    }

    /// <summary>How many fragments are held now.</summary>
    public int Count => _fragments.Count;

    /// <summary>
    /// The pause, if another part follows (empty after the last). <paramref name="key"/> names the
    /// article, the part and the content version (<see cref="ContentCatalogue.Version"/>).
    /// </summary>
    public ValueTask<HtmlString> PauseAsync(string key, Article article, Section section) =>
        GetAsync($"pause {key}", async () => article.Next(section) is null
            ? ""
            : await RenderAsync<PausePoint>(new() { [nameof(PausePoint.Section)] = section }));

    /// <summary>The links on from a part: next (or the end), previous, contents; neutral ones on a discreet page.</summary>
    public ValueTask<HtmlString> NavigationAsync(string key, Article article, Section section, Safety.SeriesLinks links) =>
        GetAsync($"way-on {key} {links.Discreet}", () => RenderAsync<PartNavigation>(new()
        {
            [nameof(PartNavigation.Article)] = article,
            [nameof(PartNavigation.Section)] = section,
            [nameof(PartNavigation.Links)] = links,
        }));

    /// <summary>The share link for a part, as reached at <paramref name="url"/>, with its neutral address for discreet mode.</summary>
    public ValueTask<HtmlString> ShareAsync(string key, string url, string discreetUrl, string title) =>
        GetAsync($"share {key} {url}", () => RenderAsync<ShareControl>(new()
        {
            [nameof(ShareControl.Url)] = url,
            [nameof(ShareControl.DiscreetUrl)] = discreetUrl,
            [nameof(ShareControl.Title)] = title,
        }));

    public async ValueTask DisposeAsync()
    {
        _fragments.Dispose();
        await _renderer.DisposeAsync();
        await _scope.DisposeAsync();
    }

    private async ValueTask<HtmlString> GetAsync(string key, Func<Task<string>> render)
    {
        // Taken once: a fragment rendered while the content changes lands in the dropped generation.
        var fragments = _fragments.Current;
        if (fragments.TryGet(key, out var kept))
        {
            return kept;
        }

        var fragment = new HtmlString(await render());
        fragments.TryAdd(key, fragment);
        return fragment;
    }

    private Task<string> RenderAsync<TComponent>(Dictionary<string, object?> parameters)
        where TComponent : IComponent =>
        _renderer.Dispatcher.InvokeAsync(async () =>
            (await _renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString());
}
