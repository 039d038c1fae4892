using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Primitives;

namespace Relational.Content;

/// <summary>
/// Things worked out from the current content (rendered pages, fragments, compressed bodies), kept
/// until the content changes. When the catalogue is replaced, everything is dropped at once by
/// starting a new, empty generation; a value worked out meanwhile is stored into the old
/// generation, which nobody reads any more, so nothing stale survives. At most
/// <c>maxEntries</c> values are kept; beyond that they are worked out each time.
/// </summary>
internal class PerContentVersion<TKey, TValue> : IDisposable
    where TKey : notnull
    where TValue : class
{
    private readonly int _maxEntries;
    private readonly IDisposable _following;
    private volatile Generation _current;

    public PerContentVersion(CatalogueProvider catalogue, int maxEntries)
    {
        _maxEntries = maxEntries;
        _current = new Generation(maxEntries);
        _following = ChangeToken.OnChange(catalogue.GetChangeToken, () => _current = new Generation(_maxEntries));
    }

    /// <summary>The generation to read from and store into, taken once per use.</summary>
    public Generation Current => _current;

    /// <summary>How many values are held now.</summary>
    public int Count => _current.Count;

    public void Dispose()
    {
        _following.Dispose();
        GC.SuppressFinalize(this);
    }

    internal sealed class Generation(int maxEntries)
    {
        private readonly ConcurrentDictionary<TKey, TValue> _values = new();
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public bool TryGet(TKey key, [NotNullWhen(true)] out TValue? value) => _values.TryGetValue(key, out value);

        /// <summary>Keeps the value unless the generation is full (or another request stored it first).</summary>
        public void TryAdd(TKey key, TValue value)
        {
            if (Interlocked.Increment(ref _count) > maxEntries || !_values.TryAdd(key, value))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }
}
