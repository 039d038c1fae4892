using System.Collections.Concurrent;
using System.Text;
using Serilog;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;
using Serilog.Sinks.Async;

namespace Relational.Site;

/// <summary>
/// Log lines through Serilog's own async sink: a request hands its event to a queue and goes on;
/// a background thread writes it to the sink given (the console). Two bounds keep the log and the
/// memory it holds finite under any flood: at most <c>maxQueued</c> events wait (beyond, the async
/// sink drops them; their count is written with the next line once the queue has room again, or
/// when the site stops), and an error repeated with the same exception type, message template and
/// route within <c>repeatWindow</c> is written once with its stack trace and then as one line with
/// a count (with the first line after the window). Everything queued is written when the logger is
/// disposed (the host does that when the site stops).
/// </summary>
public static class SiteLog
{
    public const int MaxQueued = 10_000;

    public static readonly TimeSpan RepeatWindow = TimeSpan.FromSeconds(60);

    public static LoggerConfiguration Queued(
        this LoggerSinkConfiguration writeTo, Action<LoggerSinkConfiguration> sink,
        int maxQueued = MaxQueued, TimeSpan? repeatWindow = null, TimeProvider? time = null)
    {
        var budget = new LogBudget(repeatWindow ?? RepeatWindow, time ?? TimeProvider.System);
        return writeTo.Sink(LoggerSinkConfiguration.Wrap(
            queue => new LogGate(queue, budget),
            to => to.Async(sink, bufferSize: maxQueued, blockWhenFull: false, monitor: budget)));
    }
}

/// <summary>What the gate follows: the queue's dropped events, and errors repeated.</summary>
internal sealed class LogBudget(TimeSpan repeatWindow, TimeProvider time) : IAsyncLogEventSinkMonitor
{
    private const int MaxRepeatKeys = 1_000;

    private static readonly MessageTemplate DroppedTemplate =
        new MessageTemplateParser().Parse("{DroppedLines} log lines were dropped: output could not keep up");

    private static readonly MessageTemplate RepeatedTemplate = new MessageTemplateParser().Parse(
        "The same error ({ExceptionType}: {ErrorTemplate}) on {RouteTemplate} happened {Repeats} more times in {Seconds} s; its stack trace is written once a window");

    private readonly ConcurrentDictionary<(string Type, string Template, string Route), Repeat> _repeats = new();
    private IAsyncLogEventSinkInspector? _queue;
    private long _droppedSaid;
    private int _kinds;

    public void StartMonitoring(IAsyncLogEventSinkInspector inspector) => _queue = inspector;

    public void StopMonitoring(IAsyncLogEventSinkInspector inspector) => _queue = null;

    /// <summary>False for a repeat of an error written within the window (it is counted instead).</summary>
    public bool Admit(LogEvent logEvent) => logEvent.Exception is not { } exception || FirstOfItsKind(logEvent, exception);

    /// <summary>The lines that say what was dropped or folded, due now (all of them when stopping).</summary>
    public List<LogEvent>? Notices(bool stopping)
    {
        var dropped = Dropped(stopping);
        if (dropped == 0 && Volatile.Read(ref _kinds) == 0)
        {
            return null;
        }

        var now = time.GetUtcNow();
        List<LogEvent>? notices = dropped == 0 ? null :
            [new LogEvent(now, LogEventLevel.Warning, null, DroppedTemplate, [new LogEventProperty("DroppedLines", new ScalarValue(dropped))])];
        foreach (var (key, repeat) in _repeats)
        {
            if ((stopping || now - repeat.Since >= repeatWindow) && _repeats.TryRemove(new KeyValuePair<(string, string, string), Repeat>(key, repeat)))
            {
                Interlocked.Decrement(ref _kinds);
                var count = Interlocked.Read(ref repeat.Count);
                if (count > 0)
                {
                    (notices ??= []).Add(new LogEvent(now, LogEventLevel.Warning, null, RepeatedTemplate,
                    [
                        new LogEventProperty("ExceptionType", new ScalarValue(key.Type)),
                        new LogEventProperty("ErrorTemplate", new ScalarValue(key.Template)),
                        new LogEventProperty("RouteTemplate", new ScalarValue(key.Route)),
                        new LogEventProperty("Repeats", new ScalarValue(count)),
                        new LogEventProperty("Seconds", new ScalarValue((int)Math.Ceiling((now - repeat.Since).TotalSeconds))),
                    ]));
                }
            }
        }

        return notices;
    }

    /// <summary>
    /// How many events the queue dropped since the last notice, once it has room for the notice
    /// (a notice dropped too would be counted twice). When stopping it waits a moment for that room.
    /// </summary>
    private long Dropped(bool stopping)
    {
        if (_queue is not { } queue)
        {
            return 0;
        }

        var said = Interlocked.Read(ref _droppedSaid);
        var dropped = queue.DroppedMessagesCount;
        if (dropped == said)
        {
            return 0;
        }

        var room = stopping
            ? SpinWait.SpinUntil(() => queue.Count < queue.BufferSize, TimeSpan.FromSeconds(1))
            : queue.Count < queue.BufferSize;
        // One caller says it; the others see it said.
        return room && Interlocked.CompareExchange(ref _droppedSaid, dropped, said) == said ? dropped - said : 0;
    }

    private bool FirstOfItsKind(LogEvent logEvent, Exception exception)
    {
        var route = logEvent.Properties.TryGetValue("RouteTemplate", out var value) && value is ScalarValue { Value: string r } ? r : "(no route)";
        var key = (exception.GetType().FullName ?? "", logEvent.MessageTemplate.Text, route);
        // Past this many kinds at once (the code has far fewer), errors are written as they come.
        if (Volatile.Read(ref _kinds) >= MaxRepeatKeys)
        {
            return true;
        }

        var fresh = new Repeat(time.GetUtcNow());
        var repeat = _repeats.GetOrAdd(key, fresh);
        if (ReferenceEquals(repeat, fresh))
        {
            Interlocked.Increment(ref _kinds);
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

/// <summary>In front of the async sink's queue: lets an event in unless it is a repeat, and adds the notices due.</summary>
internal sealed class LogGate(ILogEventSink queue, LogBudget budget) : ILogEventSink, IDisposable
{
    public void Emit(LogEvent logEvent)
    {
        if (budget.Admit(logEvent))
        {
            queue.Emit(logEvent);
        }

        EmitNotices(stopping: false);
    }

    public void Dispose()
    {
        EmitNotices(stopping: true);
        (queue as IDisposable)?.Dispose();
    }

    private void EmitNotices(bool stopping)
    {
        if (budget.Notices(stopping) is { } notices)
        {
            foreach (var notice in notices)
            {
                queue.Emit(notice);
            }
        }
    }
}

/// <summary>
/// Where the site's log lines go instead of standard output: a stream a host of the site gives
/// (the tests keep each site's log apart this way).
/// </summary>
public sealed record SiteLogOutput(Stream Stream)
{
    /// <summary>Each event formatted onto the stream, one write a line (from the async sink's one thread).</summary>
    internal sealed class Lines(ITextFormatter formatter, Stream stream) : ILogEventSink, IDisposable
    {
        private readonly StreamWriter _text = new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 4096, leaveOpen: true);

        public void Emit(LogEvent logEvent)
        {
            formatter.Format(logEvent, _text);
            _text.Flush();
        }

        public void Dispose() => _text.Dispose();
    }
}
