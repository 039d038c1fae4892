using Microsoft.Extensions.Options;
using Relational.Site;

namespace Relational.Performance;

/// <summary>Settings from the <c>PageCache</c> section (environment: <c>PageCache__SizeLimitMegabytes</c>, …).</summary>
public sealed class PageCacheOptions
{
    public const string Section = "PageCache";

    /// <summary>
    /// Memory the cached pages may take together, in the output cache and again in its copy answered
    /// before routing (<see cref="KeptPages"/>): at most twice this in all. Only canonical pages are
    /// kept (one entry per page, encoding and <c>?discreet=1</c>), about 150 entries for one
    /// article; beyond the limit the output cache evicts the least recently used entries, and the
    /// copy starts again empty.
    /// </summary>
    public int SizeLimitMegabytes { get; set; } = 32;

    /// <summary>
    /// How long a page stays cached. A content change evicts every page at once, so this only
    /// bounds how long an unused entry holds memory.
    /// </summary>
    public TimeSpan Expiration { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>The page cache's limits: some memory, for some time.</summary>
internal sealed class PageCacheChecks : IValidateOptions<PageCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, PageCacheOptions options) => new SettingChecks()
        .Require(options.SizeLimitMegabytes is >= 1 and <= 1024 * 1024, "PageCache:SizeLimitMegabytes must be a whole number of megabytes from 1 to 1048576")
        .Require(options.Expiration > TimeSpan.Zero, "PageCache:Expiration must be longer than zero (for example 01:00:00)")
        .Result;
}
