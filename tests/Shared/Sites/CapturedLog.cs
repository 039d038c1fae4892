using System.Text;

namespace Relational.Tests.Sites;

/// <summary>
/// A site's log (its standard output), kept in memory instead of on the test run's output, so that
/// a passing run stays quiet. At most 16 MB are kept; past that, lines are counted as left out. A test
/// that needs the log reads <see cref="Text"/>; a failing test is shown the part written while it
/// ran (<see cref="SiteLogsAttribute"/>).
/// </summary>
public sealed class CapturedLogStream : Stream
{
    private const int MaxBytes = 16 * 1024 * 1024;
    private readonly MemoryStream _bytes = new();
    private long _leftOut;

    public CapturedLogStream(string name)
    {
        Name = name;
        SiteLogsAttribute.Watch(this);
    }

    /// <summary>Which site this is, for the heading over its lines in a failing test's output.</summary>
    public string Name { get; }

    /// <summary>Set when the site has stopped: nothing more will be written.</summary>
    public bool Finished { get; private set; }

    public string Text => TextFrom(0);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    /// <summary>How many bytes are kept so far; a place to read on from with <see cref="TextFrom"/>.</summary>
    public override long Length
    {
        get
        {
            lock (_bytes)
            {
                return _bytes.Length;
            }
        }
    }

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>What was written from <paramref name="mark"/> (a former <see cref="Length"/>) on.</summary>
    public string TextFrom(long mark)
    {
        lock (_bytes)
        {
            var from = (int)Math.Min(mark, _bytes.Length);
            var text = Encoding.UTF8.GetString(_bytes.GetBuffer(), from, (int)_bytes.Length - from);
            return _leftOut > 0 ? text + $"({_leftOut} bytes left out: the log outgrew {MaxBytes} bytes)" + Environment.NewLine : text;
        }
    }

    /// <summary>One line of a site run as its own process, as read from its console.</summary>
    public void AppendLine(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + Environment.NewLine);
        Write(bytes, 0, bytes.Length);
    }

    public void Finish() => Finished = true;

    public override void Write(byte[] buffer, int offset, int count)
    {
        lock (_bytes)
        {
            if (_bytes.Length + count <= MaxBytes)
            {
                _bytes.Write(buffer, offset, count);
            }
            else
            {
                _leftOut += count;
            }
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
