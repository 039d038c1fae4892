namespace Relational.Site;

public static class HostStarted
{
    /// <summary>
    /// Until the site listens. A background service's first run waits for it: when start-up fails
    /// (a port in use), the host disposes the services while that run would still use them.
    /// </summary>
    public static async Task WhenStartedAsync(this IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }
    }
}
