namespace Relational.Performance;

/// <summary>Settings from the <c>PageSnapshots</c> section (environment: <c>PageSnapshots__MaxEntries</c>, …).</summary>
public sealed class PageSnapshotOptions
{
    public const string Section = "PageSnapshots";

    /// <summary>
    /// At most this many pages are kept (each page, host and known query string is one entry), so
    /// unusual Host headers cannot grow memory without limit. Pages beyond it are rendered each time.
    /// </summary>
    public int MaxEntries { get; set; } = 256;
}
