namespace Relational.Progress;

/// <summary>
/// A store's fault state, shared by every store: the first failure is logged once with its cause,
/// the recovery once when a call works again. For a short back-off after a failure calls fail at
/// once without touching the database, so while it is down each opted-in page is served at full
/// speed instead of waiting on a connection or a file that will fail again.
/// </summary>
public sealed partial class StoreFaults(string location, TimeSpan backOff, TimeProvider clock, ILogger logger)
{
    /// <summary>
    /// How long a page waits for the store's first try after a back-off. Enough for a store that
    /// works again; a store still locked by another process or a server that does not answer
    /// would hold the page for the whole lock wait or connect timeout (seconds).
    /// </summary>
    public static readonly TimeSpan PageWaitForRetry = TimeSpan.FromMilliseconds(250);

    private int _faulted;
    private int _retrying;
    private long _retryAfter;

    // Whether the last failure was a write's: reads that work then say nothing about writes (another
    // process may hold the write lock while every read goes through).
    private volatile bool _writeFailed;

    public bool IsFaulted => Volatile.Read(ref _faulted) == 1;

    /// <summary>True while a recent failure's back-off lasts.</summary>
    public bool IsBackingOff => Volatile.Read(ref _faulted) == 1 && clock.GetUtcNow().UtcTicks < Interlocked.Read(ref _retryAfter);

    /// <summary>Throws while a recent failure's back-off lasts.</summary>
    public void ThrowIfBackingOff()
    {
        if (IsBackingOff)
        {
            throw new ProgressUnavailableException("Reading progress cannot be stored right now; trying again shortly.");
        }
    }

    /// <summary>
    /// Runs a write that a page is waiting on (a page view's mark). While the store is faulted
    /// the page never waits on it for long: during the back-off the write fails at once; after
    /// it, one write at a time tries the store again, and the page waits for that try at most
    /// <see cref="PageWaitForRetry"/>. A try that takes longer goes on without the page, and its
    /// view is still recorded if the store works again.
    /// </summary>
    public Task<T> RunForPageAsync<T>(Func<CancellationToken, Task<T>> write, CancellationToken cancellationToken) =>
        IsFaulted ? TryAgainForPageAsync(write, cancellationToken) : write(cancellationToken);

    private async Task<T> TryAgainForPageAsync<T>(Func<CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        ThrowIfBackingOff();
        if (Interlocked.CompareExchange(ref _retrying, 1, 0) != 0)
        {
            throw new ProgressUnavailableException("Reading progress cannot be stored right now; another try is under way.");
        }

        // Not the page's token: the try may outlive the page.
        var attempt = Task.Run(() => write(CancellationToken.None), CancellationToken.None);
        _ = attempt.ContinueWith(
            static (done, state) =>
            {
                // Observed here, so a try that fails after its page has gone is not an unobserved exception.
                _ = done.Exception;
                Volatile.Write(ref ((StoreFaults)state!)._retrying, 0);
            },
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (await Task.WhenAny(attempt, Task.Delay(PageWaitForRetry, cancellationToken)) == attempt)
        {
            return await attempt;
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new ProgressUnavailableException("Reading progress cannot be stored right now; still trying.");
    }

    /// <summary>
    /// A call worked: if the store was faulted, says once that it works again. A read that works
    /// clears only a fault that a read met.
    /// </summary>
    public void Succeeded(bool write = true)
    {
        if (Volatile.Read(ref _faulted) == 1 && (write || !_writeFailed) && Interlocked.Exchange(ref _faulted, 0) == 1)
        {
            LogRecovered(logger);
        }
    }

    /// <summary>A call failed: starts the back-off, logs the cause if it is the first, and gives what to throw.</summary>
    public ProgressUnavailableException Failed(Exception cause, bool write = true)
    {
        _writeFailed = write;
        Interlocked.Exchange(ref _retryAfter, (clock.GetUtcNow() + backOff).UtcTicks);
        if (Interlocked.Exchange(ref _faulted, 1) == 0)
        {
            LogUnavailable(logger, cause, location);
        }

        return cause as ProgressUnavailableException ?? new ProgressUnavailableException("Reading progress cannot be stored right now.", cause);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading progress cannot be stored in {Location}; reading goes on without it until this clears")]
    private static partial void LogUnavailable(ILogger logger, Exception cause, string location);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading progress storage works again")]
    private static partial void LogRecovered(ILogger logger);
}
