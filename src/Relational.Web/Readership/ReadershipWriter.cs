using Microsoft.Extensions.Options;
using Relational.Site;

namespace Relational.Readership;

/// <summary>
/// Adds the counts made in memory to the store every <see cref="ReadershipOptions.FlushInterval"/>,
/// and once more when the site stops, after the last request is answered; deletes days older than
/// <see cref="ReadershipOptions.RetentionDays"/> at start-up and every six hours. Counts the
/// store refuses (it is down) stay in memory and go with the next try; only a SIGKILL, or a stop
/// while the store is down (said in the log), loses them.
/// </summary>
public sealed partial class ReadershipWriter(
    ReadershipCounts counts,
    IReadershipStore store,
    IOptions<ReadershipOptions> options,
    TimeProvider clock,
    ILogger<ReadershipWriter> logger,
    IHostApplicationLifetime? lifetime = null) : PeriodicWork(options.Value.FlushInterval, clock, lifetime), IHostedLifecycleService
{
    // Days are whole: looking for old ones a few times a day is enough.
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromHours(6);

    private readonly Dictionary<(DateOnly Day, Tally Tally), long> _unwritten = [];
    // Never disposed: it has no wait handle, and the last write comes after the host has stopped.
    private readonly SemaphoreSlim _writing = new(1, 1);
    private DateTimeOffset _nextPurge = DateTimeOffset.MinValue;
    private readonly Lock _stopping = new();
    private Task? _lastWrite;

    /// <summary>Adds every count not yet in the store; false when the store refused them (they are kept for the next try).</summary>
    public async Task<bool> WriteAsync(CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            foreach (var count in counts.Take())
            {
                var key = (count.Day, count.Tally);
                _unwritten[key] = _unwritten.GetValueOrDefault(key) + count.Count;
            }

            if (_unwritten.Count == 0)
            {
                return true;
            }

            // Refused (the store has logged why): the counts wait here for the next try.
            if (!await store.AddCountsAsync([.. _unwritten.Select(c => new DailyCount(c.Key.Day, c.Key.Tally, c.Value))], cancellationToken))
            {
                return false;
            }

            _unwritten.Clear();
            return true;
        }
        finally
        {
            _writing.Release();
        }
    }

    // A stop ends the runs; StoppedAsync writes what is left, once the server has answered its last request.
    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        await WriteAsync(stoppingToken);
        await PurgeIfDueAsync(stoppingToken);
    }

    private async Task PurgeIfDueAsync(CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow();
        if (now < _nextPurge)
        {
            return;
        }

        _nextPurge = now + PurgeEvery;
        var firstKept = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-options.Value.RetentionDays);
        if (await store.PurgeCountsAsync(firstKept, cancellationToken) is { } purged and > 0)
        {
            LogPurged(purged, options.Value.RetentionDays);
        }
    }

    Task IHostedLifecycleService.StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The last write, once. A host stopped twice at once (the test host is) waits for that one
    /// write both times, so nothing is disposed under it.
    /// </summary>
    Task IHostedLifecycleService.StoppedAsync(CancellationToken cancellationToken)
    {
        lock (_stopping)
        {
            return _lastWrite ??= WriteLastAsync();
        }
    }

    private async Task WriteLastAsync()
    {
        if (!await WriteAsync(CancellationToken.None))
        {
            LogLost(_unwritten.Values.Sum());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} readership row(s) older than {Days} days")]
    private partial void LogPurged(int count, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} readership count(s) could not be stored before the site stopped and are lost")]
    private partial void LogLost(long count);
}
