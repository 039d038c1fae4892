using Microsoft.Extensions.Options;
using Relational.Content;

namespace Relational.Performance;

/// <summary>What makes two anonymous page requests receive identical bytes.</summary>
internal readonly record struct PageSnapshotKey(string Scheme, string Host, string Path, string Query);

/// <summary>The page snapshots for the current content (see <see cref="PerContentVersion{TKey, TValue}"/>).</summary>
internal sealed class PageSnapshotCache(CatalogueProvider catalogue, IOptions<PageSnapshotOptions> options)
    : PerContentVersion<PageSnapshotKey, PageSnapshot>(catalogue, options.Value.MaxEntries);
