using System.Collections.Concurrent;
using System.Text;
using Serilog;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;

namespace Relational.Site;

/// <summary>
/// Log lines to standard output through Serilog's own batching (<see cref="BatchingOptions"/>): a
/// request hands its event to a queue and goes on; a background loop formats a batch and writes it
/// with one write. Two bounds in front of the queue keep the log and the memory it holds finite
/// under any flood: at most <c>maxQueued</c> events wait (beyond, lines are dropped and counted,
/// and the count is written once output moves again), and an error repeated with the same
/// exception type, message template and route within <c>repeatWindow</c> is written once with its
/// stack trace and then as one line with a count. Everything queued is written when the logger
/// is disposed (the host does that when the site stops).
/// </summary>
public static class SiteLog
{
    public const int MaxQueued = 10_000;

    public static readonly TimeSpan RepeatWindow = TimeSpan.FromSeconds(60);

    /// <summary>How long a line may wait to be gathered with others into one write.</summary>
    public static readonly TimeSpan Gathering = TimeSpan.FromMilliseconds(50);

    public static LoggerConfiguration StandardOutput(
        this LoggerSinkConfiguration writeTo, ITextFormatter formatter, Stream output,
        int maxQueued = MaxQueued, TimeSpan? gathering = null, TimeSpan? repeatWindow = null, TimeProvider? time = null)
    {
        var budget = new LogBudget(maxQueued, repeatWindow ?? RepeatWindow, time ?? TimeProvider.System);
        return writeTo.Sink(LoggerSinkConfiguration.Wrap(
            batching => new LogGate(batching, budget),
            to => to.Sink(
                new StandardOutputBatches(formatter, output, budget),
                new BatchingOptions { BatchSizeLimit = 1_000, BufferingTimeLimit = gathering ?? Gathering, EagerlyEmitFirstEvent = true })));
    }
}

/// <summary>What the gate and the writer share: events waiting, lines dropped, errors repeated.</summary>
internal sealed class LogBudget(int maxQueued, TimeSpan repeatWindow, TimeProvider time)
{
    private const int MaxRepeatKeys = 1_000;

    private static readonly MessageTemplate DroppedTemplate =
        new MessageTemplateParser().Parse("{DroppedLines} log lines were dropped: output could not keep up");

    private static readonly MessageTemplate RepeatedTemplate = new MessageTemplateParser().Parse(
        "The same error ({ExceptionType}: {ErrorTemplate}) on {RouteTemplate} happened {Repeats} more times in {Seconds} s; its stack trace is written once a window");

    private readonly ConcurrentDictionary<(string Type, string Template, string Route), Repeat> _repeats = new();
    private long _queued;
    private long _dropped;

    /// <summary>True if the event may join the queue; false if it is dropped (and counted) or folded into a repeat count.</summary>
    public bool Admit(LogEvent logEvent)
    {
        if (logEvent.Exception is { } exception && !FirstOfItsKind(logEvent, exception))
        {
            return false;
        }

        if (Interlocked.Increment(ref _queued) > maxQueued)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _dropped);
            return false;
        }

        return true;
    }

    public void Written(int count) => Interlocked.Add(ref _queued, -count);

    /// <summary>The lines that say what was dropped or folded, due now (all of them when stopping).</summary>
    public IEnumerable<LogEvent> Notices(bool stopping)
    {
        var now = time.GetUtcNow();
        if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0)
        {
            yield return new LogEvent(now, LogEventLevel.Warning, null, DroppedTemplate, [new LogEventProperty("DroppedLines", new ScalarValue(dropped))]);
        }

        foreach (var (key, repeat) in _repeats)
        {
            if ((stopping || now - repeat.Since >= repeatWindow) && _repeats.TryRemove(new KeyValuePair<(string, string, string), Repeat>(key, repeat)))
            {
                var count = Interlocked.Read(ref repeat.Count);
                if (count > 0)
                {
                    yield return new LogEvent(now, LogEventLevel.Warning, null, RepeatedTemplate,
                    [
                        new LogEventProperty("ExceptionType", new ScalarValue(key.Type)),
                        new LogEventProperty("ErrorTemplate", new ScalarValue(key.Template)),
                        new LogEventProperty("RouteTemplate", new ScalarValue(key.Route)),
                        new LogEventProperty("Repeats", new ScalarValue(count)),
                        new LogEventProperty("Seconds", new ScalarValue((int)Math.Ceiling((now - repeat.Since).TotalSeconds))),
                    ]);
                }
            }
        }
    }

    private bool FirstOfItsKind(LogEvent logEvent, Exception exception)
    {
        var route = logEvent.Properties.TryGetValue("RouteTemplate", out var value) && value is ScalarValue { Value: string r } ? r : "(no route)";
        var key = (exception.GetType().FullName ?? "", logEvent.MessageTemplate.Text, route);
        var fresh = new Repeat(time.GetUtcNow());
        // Past this many kinds at once (the code has far fewer), errors are written as they come.
        var repeat = _repeats.Count >= MaxRepeatKeys ? fresh : _repeats.GetOrAdd(key, fresh);
        if (ReferenceEquals(repeat, fresh))
        {
            return true;
        }

        Interlocked.Increment(ref repeat.Count);
        return false;
    }

    private sealed class Repeat(DateTimeOffset since)
    {
        public long Count;

        public DateTimeOffset Since { get; } = since;
    }
}

/// <summary>In front of Serilog's batching queue: lets an event in only within the budget.</summary>
internal sealed class LogGate(ILogEventSink batching, LogBudget budget) : ILogEventSink, IDisposable
{
    public void Emit(LogEvent logEvent)
    {
        if (budget.Admit(logEvent))
        {
            batching.Emit(logEvent);
        }
    }

    public void Dispose() => (batching as IDisposable)?.Dispose();
}

/// <summary>Formats a batch into one buffer and writes it to the output with one write.</summary>
internal sealed class StandardOutputBatches : IBatchedLogEventSink, IDisposable
{
    // A buffer grown past this by a burst is let go rather than kept for the quiet times after.
    private const int KeptBufferBytes = 1024 * 1024;

    private readonly ITextFormatter _formatter;
    private readonly Stream _output;
    private readonly LogBudget _budget;
    private MemoryStream _buffer = new(64 * 1024);
    private StreamWriter _text;

    public StandardOutputBatches(ITextFormatter formatter, Stream output, LogBudget budget)
    {
        _formatter = formatter;
        _output = output;
        _budget = budget;
        _text = Writer(_buffer);
    }

    public Task EmitBatchAsync(IReadOnlyCollection<LogEvent> batch)
    {
        foreach (var logEvent in batch)
        {
            Format(logEvent);
        }

        _budget.Written(batch.Count);
        WriteOut(stopping: false);
        return Task.CompletedTask;
    }

    public Task OnEmptyBatchAsync()
    {
        WriteOut(stopping: false);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        WriteOut(stopping: true);
        _text.Dispose();
    }

    private void Format(LogEvent logEvent)
    {
        try
        {
            _formatter.Format(logEvent, _text);
        }
        catch (Exception exception)
        {
            SelfLog.WriteLine("SiteLog: an event would not format: {0}", exception);
        }
    }

    private void WriteOut(bool stopping)
    {
        foreach (var notice in _budget.Notices(stopping))
        {
            Format(notice);
        }

        _text.Flush();
        if (_buffer.Length == 0)
        {
            return;
        }

        try
        {
            _output.Write(_buffer.GetBuffer(), 0, (int)_buffer.Length);
            _output.Flush();
        }
        catch (Exception exception)
        {
            // Output closed or failing: these lines are lost, and the writer goes on with the next.
            SelfLog.WriteLine("SiteLog: writing failed: {0}", exception.Message);
        }

        if (_buffer.Capacity > KeptBufferBytes)
        {
            _text.Dispose();
            _buffer = new MemoryStream(64 * 1024);
            _text = Writer(_buffer);
        }
        else
        {
            _buffer.SetLength(0);
        }
    }

    private static StreamWriter Writer(Stream buffer) =>
        new(buffer, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 4096, leaveOpen: true);
}

/// <summary>Where the site's log lines go: standard output, or a stream a host of the site gives.</summary>
public sealed record SiteLogOutput(Stream Stream);
