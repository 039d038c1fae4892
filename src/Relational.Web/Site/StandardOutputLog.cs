using System.Text;
using System.Threading.Channels;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;

namespace Relational.Site;

/// <summary>
/// Log lines to standard output, written by one background task in batches: a request only queues
/// its event, and however many requests a second there are, output is written at most about
/// <see cref="WritesPerSecond"/> times a second (a line per write cost about a sixth of a cached
/// page's CPU). A line waits at most one gathering interval, and everything queued is written when
/// the site stops.
/// </summary>
/// <remarks>
/// The queue is bounded. If output stalls (a stuck log collector) the site goes on serving readers
/// and drops lines rather than making requests wait or holding memory; when output moves again it
/// says how many lines were lost.
/// </remarks>
public sealed class StandardOutputLog : ILogEventSink, IDisposable
{
    public const int WritesPerSecond = 20;

    private static readonly MessageTemplate DroppedTemplate =
        new MessageTemplateParser().Parse("{DroppedLines} log lines were dropped: output could not keep up");

    private readonly Channel<LogEvent> _queue;
    private readonly ITextFormatter _formatter;
    private readonly TextWriter _output;
    private readonly TimeSpan _gathering;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writing;
    private long _dropped;

    public StandardOutputLog(ITextFormatter formatter, int capacity = 20_000)
        : this(formatter, Console.OpenStandardOutput(), capacity, TimeSpan.FromSeconds(1.0 / WritesPerSecond))
    {
    }

    internal StandardOutputLog(ITextFormatter formatter, Stream output, int capacity, TimeSpan gathering)
    {
        _formatter = formatter;
        _gathering = gathering;
        // Buffered: many lines become one write() on flush.
        _output = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024);
        _queue = Channel.CreateBounded<LogEvent>(
            new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropWrite,
                SingleReader = true,
                AllowSynchronousContinuations = false,
            },
            _ => Interlocked.Increment(ref _dropped));
        _writing = Task.Run(WriteAsync);
    }

    public void Emit(LogEvent logEvent) => _queue.Writer.TryWrite(logEvent);

    /// <summary>Writes what is queued and stops; lines emitted after this are not written.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _stopping.Cancel();
        if (_writing.Wait(TimeSpan.FromSeconds(5)))
        {
            _stopping.Dispose();
        }
        else
        {
            SelfLog.WriteLine("StandardOutputLog: queued lines were not all written within 5 s of stopping");
        }
    }

    private async Task WriteAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            WriteQueued(reader);
            if (!_stopping.IsCancellationRequested)
            {
                // Let lines gather; the next ones are written together.
                await Task.Delay(_gathering, _stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        WriteQueued(reader);
        _output.Dispose();
    }

    private void WriteQueued(ChannelReader<LogEvent> reader)
    {
        try
        {
            while (reader.TryRead(out var logEvent))
            {
                _formatter.Format(logEvent, _output);
            }

            var dropped = Interlocked.Exchange(ref _dropped, 0);
            if (dropped > 0)
            {
                _formatter.Format(
                    new LogEvent(DateTimeOffset.Now, LogEventLevel.Warning, null, DroppedTemplate,
                        [new LogEventProperty("DroppedLines", new ScalarValue(dropped))]),
                    _output);
            }

            _output.Flush();
        }
        catch (Exception exception)
        {
            // Output closed or failing, or an event that would not format: there is nowhere else to
            // tell, and the writer must outlive it (what is still queued is written next time).
            SelfLog.WriteLine("StandardOutputLog: writing failed: {0}", exception.Message);
        }
    }
}
