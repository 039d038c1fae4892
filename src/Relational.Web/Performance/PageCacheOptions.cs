namespace Relational.Performance;

/// <summary>Settings from the <c>PageCache</c> section (environment: <c>PageCache__SizeLimitMegabytes</c>, …).</summary>
public sealed class PageCacheOptions
{
    public const string Section = "PageCache";

    /// <summary>
    /// Memory the cached pages may take together. Only canonical pages are kept (one entry per page,
    /// encoding and <c>?discreet=1</c>), about 150 entries for one article; beyond the limit the
    /// least recently used entries are evicted.
    /// </summary>
    public int SizeLimitMegabytes { get; set; } = 32;

    /// <summary>
    /// How long a page stays cached. A content change evicts every page at once, so this only
    /// bounds how long an unused entry holds memory.
    /// </summary>
    public TimeSpan Expiration { get; set; } = TimeSpan.FromHours(1);
}
