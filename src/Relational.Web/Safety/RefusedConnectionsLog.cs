using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Relational.Safety;

/// <summary>
/// One log line, at most every <see cref="Interval"/>, saying how many connections Kestrel refused
/// at its connection limit. Kestrel's own line for each refusal (with a connection id) is silenced
/// in <c>appsettings.json</c>: under a flood it would be one line a connection.
/// </summary>
internal sealed partial class RefusedConnectionsLog(IOptions<KestrelServerOptions> kestrel, ILogger<RefusedConnectionsLog> logger) : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private long _refused;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, meters) =>
            {
                if (instrument is { Name: "kestrel.rejected_connections", Meter.Name: "Microsoft.AspNetCore.Server.Kestrel" })
                {
                    meters.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _refused, value));
        listener.Start();

        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (Interlocked.Exchange(ref _refused, 0) is > 0 and var refused)
                {
                    LogRefused(logger, refused, (long)Interval.TotalSeconds, kestrel.Value.Limits.MaxConcurrentConnections);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Refused} connections refused in the last {Seconds} s: the site is at its limit of {Limit} open connections (Kestrel:Limits:MaxConcurrentConnections)")]
    private static partial void LogRefused(ILogger logger, long refused, long seconds, long? limit);
}
