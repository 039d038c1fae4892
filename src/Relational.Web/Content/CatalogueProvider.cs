using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Relational.Content;

/// <summary>
/// Holds the current <see cref="ContentCatalogue"/>. The first load happens at start-up and a
/// broken file stops the site there; later, a change on disk builds a whole new catalogue and
/// swaps it in, or keeps the old one (and logs why) if the new files do not validate.
/// Everything worked out from the content follows one signal, <see cref="GetChangeToken"/>.
/// </summary>
public sealed partial class CatalogueProvider : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(250);

    private readonly ILogger<CatalogueProvider> _logger;
    private readonly PhysicalFileProvider? _files;
    private readonly IDisposable? _watching;
    private readonly Timer _reloadTimer;
    private volatile ContentCatalogue _current;
    private CancellationTokenSource _replaced = new();
    private volatile TakenSlugs _taken = TakenSlugs.None;

    public CatalogueProvider(IOptions<ContentOptions> options, IHostEnvironment environment, ILogger<CatalogueProvider> logger)
    {
        _logger = logger;
        ContentPath = ContentOptions.Resolve(options.Value.Path, environment.ContentRootPath);
        _current = LoadAtStart(TakenSlugs.None);

        LogLoaded(_current.Articles.Length, _current.Version);
        LogProblems(_current);

        _reloadTimer = new Timer(_ => Reload());
        if (options.Value.WatchForChanges)
        {
            _files = new PhysicalFileProvider(ContentPath);
            // Editors write a file in several steps; wait for the burst to settle before loading.
            _watching = ChangeToken.OnChange(() => _files.Watch("**/*"), () => _reloadTimer.Change(Debounce, Timeout.InfiniteTimeSpan));
        }
    }

    /// <summary>
    /// Fires once, when the catalogue that is current now is replaced: everything kept from the
    /// content (kept pages, the output cache's entries, rendered fragments) follows it with
    /// <see cref="ChangeToken.OnChange(Func{IChangeToken?}, Action)"/>.
    /// </summary>
    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _replaced).Token);

    public string ContentPath { get; }

    public ContentCatalogue Current => _current;

    /// <summary>
    /// From now on, refuses content with a slug that one of the site's own addresses takes; the
    /// catalogue already loaded is checked at once, and a clash stops start-up naming the file.
    /// Called once every endpoint is mapped, so the addresses are all known.
    /// </summary>
    public void Reserve(TakenSlugs taken)
    {
        _taken = taken;
        if (taken.AnyIn(_current))
        {
            _current = LoadAtStart(taken);
        }
    }

    /// <summary>Loads the folder again now; returns false (keeping the current catalogue) if it fails.</summary>
    public bool Reload()
    {
        ContentCatalogue next;
        try
        {
            next = ContentLoader.Load(ContentPath, _taken);
        }
        catch (ContentException e)
        {
            LogReloadFailed(e.Message);
            return false;
        }

        if (next.Version == _current.Version)
        {
            return true;
        }

        _current = next;
        LogLoaded(next.Articles.Length, next.Version);
        LogProblems(next);
        using var previous = Interlocked.Exchange(ref _replaced, new CancellationTokenSource());
        previous.Cancel();
        return true;
    }

    private ContentCatalogue LoadAtStart(TakenSlugs taken)
    {
        try
        {
            return ContentLoader.Load(ContentPath, taken);
        }
        catch (ContentException e)
        {
            throw new Relational.Site.CannotStartException(
                $"Relational cannot start: the content folder {ContentPath} is broken ({e.Message}); fix it, or set {ContentOptions.SettingHint} to another folder.", e);
        }
    }

    /// <summary>The problems an author should mend, one Warning each (what `--check-content` prints).</summary>
    private void LogProblems(ContentCatalogue catalogue)
    {
        foreach (var problem in catalogue.Problems)
        {
            LogProblem(problem.ToString());
        }
    }

    public void Dispose()
    {
        _watching?.Dispose();
        _files?.Dispose();
        _reloadTimer.Dispose();
        _replaced.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Content catalogue loaded: {ArticleCount} article(s), version {Version}")]
    private partial void LogLoaded(int articleCount, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Content problem: {Problem}")]
    private partial void LogProblem(string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Content changed but could not be loaded; still serving the previous version. {Problem}")]
    private partial void LogReloadFailed(string problem);
}
