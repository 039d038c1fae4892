using Microsoft.Extensions.Diagnostics.HealthChecks;
using Relational.Site;

namespace Relational.Progress;

/// <summary>
/// Whether reading progress can be stored, for <c>/healthz</c>: <c>Degraded</c> (still a 200, since
/// every page can be read without it, so the instance stays in rotation) while the store cannot be
/// reached. Asked once at start-up, so a wrong host or password is said in the log at once rather
/// than at the first opt-in; a Warning line each time it becomes unreachable.
/// </summary>
public sealed partial class ProgressStoreHealth(IReadingProgressStore store, IHostApplicationLifetime lifetime, ILogger<ProgressStoreHealth> logger)
    : BackgroundService, IHealthCheck
{
    /// <summary>Under the container probe's 3 s, so a server that does not answer gives Degraded, not a timeout.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);

    private int _unreachable;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        waiting.CancelAfter(Wait);
        try
        {
            // A reader nobody has: one read, nothing written.
            await store.FindAsync(ReaderKey.New(), waiting.Token);
            if (Interlocked.Exchange(ref _unreachable, 0) == 1)
            {
                LogReachable();
            }

            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is ProgressUnavailableException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            if (Interlocked.Exchange(ref _unreachable, 1) == 0)
            {
                LogUnreachable();
            }

            return HealthCheckResult.Degraded("reading progress cannot be stored");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Once the site listens (a start that fails, say on a port in use, asks nothing), and
        // without holding up start-up: the site serves pages while this asks.
        try
        {
            await lifetime.WhenStartedAsync(stoppingToken);
            await CheckHealthAsync(new HealthCheckContext(), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped before or while asking (a start that failed): the failure's own sentence says why.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading progress store cannot be reached: pages are served, opting in and saving places fail, and /healthz answers Degraded until it can")]
    private partial void LogUnreachable();

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading progress store can be reached again: /healthz answers Healthy")]
    private partial void LogReachable();
}
