using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Relational.Safety;

/// <summary>
/// A bound over all clients on how many new readers (opt-ins that create records) the site takes
/// a minute (<c>Safety:NewReadersPerMinute</c>). The per-address POST limit alone let a few
/// thousand addresses create 90,000 readers in two minutes, each kept on disk for the retention
/// period. Existing readers, and reading, are never held back by it.
/// </summary>
public sealed class NewReaderLimit(IOptions<SafetyOptions> options) : IDisposable
{
    private readonly FixedWindowRateLimiter _limiter = new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = options.Value.NewReadersPerMinute,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
    });

    /// <summary>
    /// True when one more new reader may be created now. Otherwise the response becomes a 503
    /// with <c>Retry-After</c>, answered by the calm status page.
    /// </summary>
    public bool TryAdmit(HttpContext context)
    {
        using var lease = _limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return true;
        }

        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        SecurityHeaders.Add(context, "Retry-After", Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        return false;
    }

    public void Dispose() => _limiter.Dispose();
}
