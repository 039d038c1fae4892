using Microsoft.Data.Sqlite;
using Npgsql;

namespace Relational.Progress;

/// <summary>
/// A store's fault state, shared by every store: the start of each fault is logged with its cause
/// (SQLSTATE or SQLite error code and message) as a line of its own, never folded with others, and
/// again when the cause changes (a server that stopped comes back read-only); the stack trace goes
/// on a Warning line that the log folds when it repeats. The recovery is logged once a write works
/// again: a read that works says nothing about writes. For a short back-off after a failure calls
/// fail at once without touching the database, so while it is down each opted-in page is served at
/// full speed instead of waiting on a connection or a file that will fail again.
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

    // The kind of cause last logged (its SQLSTATE, SQLite code or exception type), while faulted.
    private string? _loggedCause;

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
    /// A call worked: if the store was faulted and this was a write, says once that it works
    /// again. Reads may work while every write fails (a read-only database, a full disk, another
    /// process holding the write lock), so a read clears nothing.
    /// </summary>
    public void Succeeded(bool write = true)
    {
        if (write && Volatile.Read(ref _faulted) == 1 && Interlocked.Exchange(ref _faulted, 0) == 1)
        {
            LogRecovered(logger);
        }
    }

    /// <summary>
    /// A call failed: starts the back-off, logs the fault's start (or its new cause) with the cause,
    /// and gives what to throw.
    /// </summary>
    public ProgressUnavailableException Failed(Exception cause)
    {
        Interlocked.Exchange(ref _retryAfter, (clock.GetUtcNow() + backOff).UtcTicks);
        var (kind, description) = Describe(cause);
        var started = Interlocked.Exchange(ref _faulted, 1) == 0;
        var previous = Interlocked.Exchange(ref _loggedCause, kind);
        if (started || !string.Equals(previous, kind, StringComparison.Ordinal))
        {
            LogUnavailable(logger, location, description);
            LogCause(logger, cause, location);
        }

        return cause as ProgressUnavailableException ?? new ProgressUnavailableException("Reading progress cannot be stored right now.", cause);
    }

    /// <summary>
    /// What went wrong, for the operator: the kind (an SQLSTATE, a SQLite error code, else the
    /// exception's type) and one line saying it. Npgsql leaves parameter values out of its
    /// messages (no error detail), so no reader's data is in it.
    /// </summary>
    internal static (string Kind, string Description) Describe(Exception cause)
    {
        for (var inner = cause; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case PostgresException postgres:
                    return ($"SQLSTATE {postgres.SqlState}", $"SQLSTATE {postgres.SqlState}: {postgres.MessageText}");
                case SqliteException sqlite:
                    return ($"SQLite {sqlite.SqliteExtendedErrorCode}", $"{sqlite.Message} (extended code {sqlite.SqliteExtendedErrorCode})");
            }
        }

        var chain = new List<string>();
        for (var inner = cause; inner is not null; inner = inner.InnerException)
        {
            chain.Add(inner.Message);
        }

        return (cause.GetType().Name, string.Join(" ← ", chain.Distinct()));
    }

    // No exception on this line: the log folds repeated errors by exception, and the start of a
    // fault must always be seen.
    [LoggerMessage(Level = LogLevel.Error, Message = "Reading progress cannot be stored in {Location}: {Cause}; reading goes on without it until this clears")]
    private static partial void LogUnavailable(ILogger logger, string location, string cause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stack trace of the fault in {Location}")]
    private static partial void LogCause(ILogger logger, Exception cause, string location);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading progress storage works again")]
    private static partial void LogRecovered(ILogger logger);
}
