using Microsoft.Extensions.Options;
using Relational.Site;

namespace Relational.Progress;

/// <summary>Deletes idle readers' records shortly after start-up and then every purge interval.</summary>
public sealed partial class ProgressPurgeService(
    IReadingProgressStore store,
    IOptions<ProgressOptions> options,
    TimeProvider clock,
    ILogger<ProgressPurgeService> logger,
    IHostApplicationLifetime? lifetime = null) : PeriodicWork(options.Value.PurgeInterval, clock, lifetime)
{
    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            var purged = await store.PurgeIdleAsync(stoppingToken);
            if (purged > 0)
            {
                LogPurged(purged, options.Value.RetentionDays);
            }
        }
        catch (ProgressUnavailableException)
        {
            // The store has logged the cause; try again next time.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted the records of {Count} reader(s) idle for more than {Days} days")]
    private partial void LogPurged(int count, int days);
}
