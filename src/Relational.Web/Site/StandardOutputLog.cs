using System.Text;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;

namespace Relational.Site;

/// <summary>
/// Log lines to standard output, many to a write. A request formats its line into a shared buffer
/// and goes on; one background task writes the buffer out at most about
/// <see cref="WritesPerSecond"/> times a second, however many requests there are (Serilog's async
/// and console sinks, a write per line, took about a sixth of a cached page's CPU). Lines are kept
/// as bytes, not as events, so nothing a request logged outlives it in the heap. A line waits at
/// most one gathering interval, and everything buffered is written when the site stops. The two
/// buffers keep the size the busiest moment gave them (at most the capacity each).
/// </summary>
/// <remarks>
/// The buffer is bounded. If output stalls (a stuck log collector) the site goes on serving readers
/// and drops lines rather than making requests wait or holding memory; once output moves again it
/// says how many lines were lost.
/// </remarks>
public sealed class StandardOutputLog : ILogEventSink, IDisposable
{
    public const int WritesPerSecond = 20;

    private const int InitialBytes = 64 * 1024;

    private static readonly MessageTemplate DroppedTemplate =
        new MessageTemplateParser().Parse("{DroppedLines} log lines were dropped: output could not keep up");

    [ThreadStatic]
    private static LineWriter? t_line;

    private readonly ITextFormatter _formatter;
    private readonly Stream _output;
    private readonly int _capacityBytes;
    private readonly TimeSpan _gathering;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _ready = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writing;
    private byte[] _pending = new byte[InitialBytes];
    private int _pendingLength;
    private long _dropped;
    // Only the writing task touches this: the buffer it wrote last, reused for the next batch.
    private byte[] _spare = new byte[InitialBytes];

    public StandardOutputLog(ITextFormatter formatter, int capacityBytes = 4 * 1024 * 1024)
        : this(formatter, Console.OpenStandardOutput(), capacityBytes, TimeSpan.FromSeconds(1.0 / WritesPerSecond))
    {
    }

    internal StandardOutputLog(ITextFormatter formatter, Stream output, int capacityBytes, TimeSpan gathering)
    {
        _formatter = formatter;
        _output = output;
        _capacityBytes = capacityBytes;
        _gathering = gathering;
        _writing = Task.Run(WriteAsync);
    }

    public void Emit(LogEvent logEvent)
    {
        if (Format(logEvent) is { } line)
        {
            Append(line);
        }
    }

    /// <summary>Writes what is buffered and stops; lines emitted after this are not written.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        if (!_writing.Wait(TimeSpan.FromSeconds(5)))
        {
            SelfLog.WriteLine("StandardOutputLog: buffered lines were not all written within 5 s of stopping");
        }
    }

    /// <summary>The event as UTF-8, in a buffer of this thread's that is valid until its next line.</summary>
    private ArraySegment<byte>? Format(LogEvent logEvent)
    {
        // Taken while in use, so a line logged while formatting another gets a buffer of its own.
        var line = t_line ?? new LineWriter();
        t_line = null;
        try
        {
            var bytes = line.Format(_formatter, logEvent);
            if (line.IsOversized)
            {
                // Copied out, so the large buffer can go.
                bytes = bytes.ToArray();
                line.Dispose();
            }
            else
            {
                t_line = line;
            }

            return bytes;
        }
        catch (Exception exception)
        {
            // A half-written line goes with the discarded buffer.
            line.Dispose();
            SelfLog.WriteLine("StandardOutputLog: an event would not format: {0}", exception);
            return null;
        }
    }

    private void Append(ReadOnlySpan<byte> line)
    {
        bool first;
        lock (_gate)
        {
            var length = _pendingLength + line.Length;
            if (length > _capacityBytes)
            {
                _dropped++;
                return;
            }

            if (length > _pending.Length)
            {
                var grown = new byte[Math.Min(_capacityBytes, Math.Max(length, _pending.Length * 2))];
                _pending.AsSpan(0, _pendingLength).CopyTo(grown);
                _pending = grown;
            }

            line.CopyTo(_pending.AsSpan(_pendingLength));
            first = _pendingLength == 0;
            _pendingLength = length;
        }

        if (first)
        {
            _ready.Release();
        }
    }

    private async Task WriteAsync()
    {
        try
        {
            while (true)
            {
                await _ready.WaitAsync(_stopping.Token).ConfigureAwait(false);
                WriteBuffered();
                // Let lines gather; the next ones are written together.
                await Task.Delay(_gathering, _stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: what is buffered is written below.
        }

        WriteBuffered();
    }

    private void WriteBuffered()
    {
        byte[] batch;
        int length;
        long dropped;
        lock (_gate)
        {
            batch = _pending;
            length = _pendingLength;
            dropped = _dropped;
            _pending = _spare.Length >= batch.Length ? _spare : new byte[batch.Length];
            _pendingLength = 0;
            _dropped = 0;
        }

        _spare = batch;
        try
        {
            _output.Write(batch, 0, length);
            if (dropped > 0 && Format(DroppedNotice(dropped)) is { } notice)
            {
                _output.Write(notice);
            }

            _output.Flush();
        }
        catch (Exception exception)
        {
            // Output closed or failing: there is nowhere else to tell, and the writer must outlive it.
            SelfLog.WriteLine("StandardOutputLog: writing failed: {0}", exception.Message);
        }
    }

    private static LogEvent DroppedNotice(long dropped) =>
        new(DateTimeOffset.Now, LogEventLevel.Warning, null, DroppedTemplate, [new LogEventProperty("DroppedLines", new ScalarValue(dropped))]);

    /// <summary>One thread's formatting buffer: text in, UTF-8 out, reused line after line.</summary>
    private sealed class LineWriter : IDisposable
    {
        private const int OversizedBytes = 64 * 1024;
        private readonly MemoryStream _bytes = new(1024);
        private readonly StreamWriter _text;

        public LineWriter() =>
            _text = new StreamWriter(_bytes, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1024);

        /// <summary>After a very long line (an exception's stack trace) the buffer is not kept.</summary>
        public bool IsOversized => _bytes.Capacity > OversizedBytes;

        public ArraySegment<byte> Format(ITextFormatter formatter, LogEvent logEvent)
        {
            _bytes.SetLength(0);
            formatter.Format(logEvent, _text);
            _text.Flush();
            return new ArraySegment<byte>(_bytes.GetBuffer(), 0, (int)_bytes.Length);
        }

        public void Dispose() => _text.Dispose();
    }
}
