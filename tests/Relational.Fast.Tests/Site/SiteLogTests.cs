using System.Text;
using Microsoft.Extensions.Time.Testing;
using Relational.Site;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Parsing;

namespace Relational.Tests.Site;

/// <summary>
/// The site's log pipeline (<see cref="SiteLog"/>), as an operator reading its output would notice
/// it: every line arrives, in order; nothing queued is lost when the site stops;
/// when output stalls the site does not wait for it, and says afterwards how many lines it dropped;
/// and a flood of one error writes its stack trace once and then a count.
/// </summary>
public sealed class SiteLogTests
{
    private static readonly MessageTemplate Template = new MessageTemplateParser().Parse("Line {Number}");

    [Fact]
    public void Every_line_is_written_in_order_and_all_of_them_by_the_time_it_stops()
    {
        var output = new RecordingStream();
        var log = Logger(output, maxQueued: 10_000);

        for (var number = 0; number < 5_000; number++)
        {
            log.Write(Line(number));
        }

        log.Dispose();

        Assert.Equal(Enumerable.Range(0, 5_000), output.Lines().Select(Number));
    }

    [Fact]
    public async Task A_stalled_output_does_not_hold_up_the_site_and_the_dropped_lines_are_counted_afterwards()
    {
        var output = new RecordingStream();
        output.Stall();
        var log = Logger(output, maxQueued: 20);
        log.Write(Line(0));
        Assert.True(output.WaitUntilStalledWrite(TimeSpan.FromSeconds(10)), "the writer never wrote the first line");

        // Output is stuck: emitting must still return at once (this would hang if it waited).
        var emitting = Task.Run(() =>
        {
            for (var number = 1; number <= 1_000; number++)
            {
                log.Write(Line(number));
            }
        });
        await emitting.WaitAsync(TimeSpan.FromSeconds(10));

        output.Resume();
        log.Dispose();

        var lines = output.Lines();
        var notice = Assert.Single(lines, line => line.Contains("were dropped", StringComparison.Ordinal));
        Assert.Contains("\"@l\":\"Warning\"", notice, StringComparison.Ordinal);
        var dropped = int.Parse(notice.Split("\"DroppedLines\":")[1].Split(',', '}')[0], System.Globalization.CultureInfo.InvariantCulture);
        var written = lines.Where(line => line.Contains("\"Number\":", StringComparison.Ordinal)).Select(Number).ToList();
        // The first line, then the 20 that could wait, in order; everything else is counted, nothing vanishes silently.
        Assert.Equal(Enumerable.Range(0, written.Count), written);
        Assert.InRange(written.Count, 2, 21);
        Assert.Equal(1_001, written.Count + dropped);
    }

    [Fact]
    public void Output_that_fails_loses_those_lines_but_the_writer_goes_on()
    {
        var output = new RecordingStream();
        var log = Logger(output, maxQueued: 1_000);
        output.FailNextWrite();
        log.Write(Line(1));
        Assert.True(SpinWait.SpinUntil(() => output.Failures == 1, TimeSpan.FromSeconds(10)), "the failing write never happened");

        log.Write(Line(2));
        log.Dispose();

        Assert.Contains(output.Lines(), line => line.EndsWith("\"Number\":2}", StringComparison.Ordinal));
    }

    [Fact]
    public void A_flood_of_one_error_writes_its_stack_trace_once_and_then_how_many_times_it_happened()
    {
        var output = new RecordingStream();
        var clock = new FakeTimeProvider();
        var log = Logger(output, maxQueued: 100_000, clock);

        for (var i = 0; i < 10_000; i++)
        {
            log.Write(Error(Series.Url + "/{part}"));
        }

        log.Write(Error("/"));
        clock.Advance(SiteLog.RepeatWindow);
        log.Write(Line(1));
        SpinWait.SpinUntil(() => output.Lines().Any(line => line.Contains("\"Repeats\":9999", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));
        log.Write(Error(Series.Url + "/{part}"));
        log.Dispose();

        var lines = output.Lines();
        // Per kind of error and window: the first with its trace, then one line with the count.
        Assert.Equal(3, lines.Count(line => line.Contains("   at ", StringComparison.Ordinal)));
        var count = Assert.Single(lines, line => line.Contains("\"Repeats\":", StringComparison.Ordinal));
        Assert.Contains("\"Repeats\":9999", count, StringComparison.Ordinal);
        Assert.Contains("\"RouteTemplate\":\"" + Series.Url + "/{part}\"", count, StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException", count, StringComparison.Ordinal);
        Assert.InRange(lines.Sum(line => line.Length), 1, 20_000);
    }

    private static Serilog.Core.Logger Logger(Stream output, int maxQueued, TimeProvider? time = null) =>
        new Serilog.LoggerConfiguration().WriteTo.Queued(to => to.Sink(new SiteLogOutput.Lines(new CompactJsonFormatter(), output)), maxQueued, time: time).CreateLogger();

    private static LogEvent Error(string route)
    {
        Exception exception;
        try
        {
            throw new InvalidOperationException("The page cannot build a link without a host.");
        }
        catch (InvalidOperationException e)
        {
            exception = e;
        }

        return new(DateTimeOffset.UnixEpoch, LogEventLevel.Error, exception, ErrorTemplate, [new LogEventProperty("RouteTemplate", new ScalarValue(route))]);
    }

    private static readonly MessageTemplate ErrorTemplate = new MessageTemplateParser().Parse("An unhandled exception has occurred while executing the request.");

    private static int Number(string line) =>
        int.Parse(line.Split("\"Number\":")[1].TrimEnd('}'), System.Globalization.CultureInfo.InvariantCulture);

    private static LogEvent Line(int number) =>
        new(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, Template, [new LogEventProperty("Number", new ScalarValue(number))]);

    /// <summary>Standard output as the writer sees it: it can stall and can fail once.</summary>
    private sealed class RecordingStream : Stream
    {
        private readonly MemoryStream _written = new();
        private readonly ManualResetEventSlim _flowing = new(initialState: true);
        private readonly ManualResetEventSlim _stalledWrite = new();
        private int _failNext;

        public int Failures { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Stall() => _flowing.Reset();

        public void Resume() => _flowing.Set();

        public void FailNextWrite() => _failNext = 1;

        public bool WaitUntilStalledWrite(TimeSpan timeout) => _stalledWrite.Wait(timeout);

        public string[] Lines()
        {
            lock (_written)
            {
                return Encoding.UTF8.GetString(_written.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!_flowing.IsSet)
            {
                _stalledWrite.Set();
                _flowing.Wait();
            }

            if (Interlocked.Exchange(ref _failNext, 0) == 1)
            {
                Failures++;
                throw new IOException("output closed");
            }

            lock (_written)
            {
                _written.Write(buffer);
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
