using System.Text;
using Relational.Site;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Parsing;

namespace Relational.Tests.Site;

/// <summary>
/// The site's log writer, as an operator reading its output would notice it: every line arrives,
/// in order, many to a write; nothing buffered is lost when the site stops; and when output stalls
/// the site does not wait for it, and says afterwards how many lines it dropped.
/// </summary>
public sealed class StandardOutputLogTests
{
    private static readonly MessageTemplate Template = new MessageTemplateParser().Parse("Line {Number}");

    [Fact]
    public void Every_line_is_written_in_order_many_to_a_write_and_all_of_them_by_the_time_it_stops()
    {
        var output = new RecordingStream();
        var log = new StandardOutputLog(new CompactJsonFormatter(), output, capacityBytes: 10_000_000, gathering: TimeSpan.FromMilliseconds(50));

        for (var number = 0; number < 5_000; number++)
        {
            log.Emit(Line(number));
        }

        log.Dispose();

        Assert.Equal(Enumerable.Range(0, 5_000), output.Lines().Select(Number));
        // A write a line would be 5,000 writes.
        Assert.InRange(output.Writes, 1, 200);
    }

    [Fact]
    public async Task A_stalled_output_does_not_hold_up_the_site_and_the_dropped_lines_are_counted_afterwards()
    {
        var output = new RecordingStream();
        output.Stall();
        var log = new StandardOutputLog(new CompactJsonFormatter(), output, capacityBytes: 2_000, gathering: TimeSpan.FromMilliseconds(10));
        log.Emit(Line(0));
        Assert.True(output.WaitUntilStalledWrite(TimeSpan.FromSeconds(10)), "the writer never wrote the first line");

        // Output is stuck: emitting must still return at once (this would hang if it waited).
        var emitting = Task.Run(() =>
        {
            for (var number = 1; number <= 1_000; number++)
            {
                log.Emit(Line(number));
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
        // The first line, then what fit in 2,000 bytes, in order; everything else is counted, nothing vanishes silently.
        Assert.Equal(Enumerable.Range(0, written.Count), written);
        Assert.InRange(written.Count, 2, 40);
        Assert.Equal(1_001, written.Count + dropped);
    }

    [Fact]
    public void Output_that_fails_loses_those_lines_but_the_writer_goes_on()
    {
        var output = new RecordingStream();
        var log = new StandardOutputLog(new CompactJsonFormatter(), output, capacityBytes: 100_000, gathering: TimeSpan.FromMilliseconds(10));
        output.FailNextWrite();
        log.Emit(Line(1));
        Assert.True(SpinWait.SpinUntil(() => output.Failures == 1, TimeSpan.FromSeconds(10)), "the failing write never happened");

        log.Emit(Line(2));
        log.Dispose();

        Assert.Contains(output.Lines(), line => line.EndsWith("\"Number\":2}", StringComparison.Ordinal));
    }

    private static int Number(string line) =>
        int.Parse(line.Split("\"Number\":")[1].TrimEnd('}'), System.Globalization.CultureInfo.InvariantCulture);

    private static LogEvent Line(int number) =>
        new(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, Template, [new LogEventProperty("Number", new ScalarValue(number))]);

    /// <summary>Standard output as the writer sees it: it counts writes, can stall and can fail once.</summary>
    private sealed class RecordingStream : Stream
    {
        private readonly MemoryStream _written = new();
        private readonly ManualResetEventSlim _flowing = new(initialState: true);
        private readonly ManualResetEventSlim _stalledWrite = new();
        private int _failNext;

        public int Writes { get; private set; }

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
                Writes++;
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
