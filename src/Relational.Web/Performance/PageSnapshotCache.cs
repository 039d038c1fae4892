using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using Relational.Content;

namespace Relational.Performance;

/// <summary>What makes two anonymous page requests receive identical bytes.</summary>
internal readonly record struct PageSnapshotKey(string Scheme, string Host, string Path, string Query);

/// <summary>
/// The page snapshots for the current content. When the catalogue is replaced, every snapshot is
/// dropped at once by starting a new, empty generation; a page that was being rendered meanwhile
/// is stored into the old generation, which nobody reads any more, so no stale page survives.
/// </summary>
internal sealed class PageSnapshotCache : IDisposable
{
    private readonly CatalogueProvider _catalogue;
    private readonly int _maxEntries;
    private volatile Generation _current;

    public PageSnapshotCache(CatalogueProvider catalogue, IOptions<PageSnapshotOptions> options)
    {
        _catalogue = catalogue;
        _maxEntries = options.Value.MaxEntries;
        _current = new Generation(_maxEntries);
        _catalogue.Replaced += OnCatalogueReplaced;
    }

    /// <summary>The generation a request reads from and stores into, taken once at its start.</summary>
    public Generation Current => _current;

    /// <summary>How many pages are held now.</summary>
    public int Count => _current.Count;

    public void Dispose() => _catalogue.Replaced -= OnCatalogueReplaced;

    private void OnCatalogueReplaced(ContentCatalogue catalogue) => _current = new Generation(_maxEntries);

    internal sealed class Generation(int maxEntries)
    {
        private readonly ConcurrentDictionary<PageSnapshotKey, PageSnapshot> _snapshots = new();
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public bool TryGet(PageSnapshotKey key, [NotNullWhen(true)] out PageSnapshot? snapshot) =>
            _snapshots.TryGetValue(key, out snapshot);

        /// <summary>Keeps the snapshot unless the generation is full (or another request stored it first).</summary>
        public void TryAdd(PageSnapshotKey key, PageSnapshot snapshot)
        {
            if (Interlocked.Increment(ref _count) > maxEntries || !_snapshots.TryAdd(key, snapshot))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }
}
