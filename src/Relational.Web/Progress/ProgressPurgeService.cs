using Microsoft.Extensions.Options;
using Relational.Site;

namespace Relational.Progress;

/// <summary>Deletes idle readers' records shortly after start-up and then every purge interval.</summary>
public sealed partial class ProgressPurgeService(
    IReadingProgressStore store,
    IOptions<ProgressOptions> options,
    TimeProvider clock,
    ILogger<ProgressPurgeService> logger,
    IHostApplicationLifetime? lifetime = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Never hold up start-up: the first purge runs once the site listens.
        await Task.Yield();
        using var timer = new PeriodicTimer(options.Value.PurgeInterval, clock);
        try
        {
            if (lifetime is not null)
            {
                await lifetime.WhenStartedAsync(stoppingToken);
            }

            do
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
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down (or a start-up that failed, e.g. the port is taken): not a failure of
            // its own, so the log keeps the real cause on top instead of a "Fatal" about this service.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted the records of {Count} reader(s) idle for more than {Days} days")]
    private partial void LogPurged(int count, int days);
}
