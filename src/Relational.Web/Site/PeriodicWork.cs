namespace Relational.Site;

/// <summary>
/// Background work done once the site listens and then every interval until it stops. A start-up
/// that fails (a port in use) runs none of it: the host disposes the services while a first run
/// would still use them. A stop is not a failure of its own, so the log keeps a real cause on top
/// instead of a "Fatal" about this service.
/// </summary>
public abstract class PeriodicWork(TimeSpan interval, TimeProvider clock, IHostApplicationLifetime? lifetime) : BackgroundService
{
    protected TimeProvider Clock => clock;

    /// <summary>One run; an exception other than a stop ends the service (each caller handles its store's faults).</summary>
    protected abstract Task RunOnceAsync(CancellationToken stoppingToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Never hold up start-up.
        await Task.Yield();
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            if (lifetime is not null)
            {
                await lifetime.WhenStartedAsync(stoppingToken);
            }

            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
