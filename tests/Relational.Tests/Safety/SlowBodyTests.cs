using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Safety;

/// <summary>
/// A form body that comes too slowly ends in 408 (Kestrel's minimum body data rate: 240 bytes a
/// second after 5 s), whether it states its length or comes chunked; and a client beyond its
/// allowance of posts is answered 429 before its body is read. Real Kestrel on loopback; each
/// test is over in about ten seconds.
/// </summary>
public sealed class SlowBodyTests : IDisposable
{
    private readonly LiveSite _site = new();

    public void Dispose() => _site.Dispose();

    public static TheoryData<string> Framings() => ["Content-Length: 200", "Transfer-Encoding: chunked"];

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task A_form_body_that_comes_too_slowly_ends_in_408(string framing)
    {
        using var client = await StallAsync(framing);

        var (response, after) = await AnswerAsync(client, TimeSpan.FromSeconds(20));

        Assert.Equal(408, response.Status);
        Assert.InRange(after, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(15));
        _site.Dispose();
        SafetyAssert.NoErrorLines(_site.Log.Text);
    }

    [Fact]
    public async Task Posts_beyond_the_allowance_are_answered_429_before_their_chunked_body_is_read()
    {
        _site.With("Safety:PostsPerWindow", "2").With("Safety:PostWindowSeconds", "60");
        using var first = await StallAsync("Transfer-Encoding: chunked");
        using var second = await StallAsync("Transfer-Encoding: chunked");
        // Both are in: their bodies are being waited for.
        await Task.Delay(500);

        using var third = await StallAsync("Transfer-Encoding: chunked");
        var (response, after) = await AnswerAsync(third, TimeSpan.FromSeconds(10));

        Assert.Equal(429, response.Status);
        Assert.True(after < TimeSpan.FromSeconds(3), $"answered after {after}");
    }

    /// <summary>A same-origin form post whose headers and first few bytes of body are sent, and then nothing.</summary>
    private async Task<TcpClient> StallAsync(string framing)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _site.Port);
        var head = string.Create(CultureInfo.InvariantCulture,
            $"POST {HostileRequests.FormPath} HTTP/1.1\r\nHost: 127.0.0.1:{_site.Port}\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
            $"Sec-Fetch-Site: same-origin\r\n{framing}\r\nConnection: close\r\n\r\n");
        var start = framing.StartsWith("Transfer-Encoding", StringComparison.Ordinal) ? "3\r\na=1\r\n" : "a=1";
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head + start));
        return client;
    }

    /// <summary>Reads the answer (headers and body) as far as it comes within <paramref name="wait"/>, and how long it took.</summary>
    private static async Task<(RawResponse Response, TimeSpan After)> AnswerAsync(TcpClient client, TimeSpan wait)
    {
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(wait);
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            while (!IsComplete(received.ToArray()))
            {
                var read = await client.GetStream().ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // No answer in time, or the connection reset after it: what came is the answer.
        }

        return (RawResponse.Parse(received.ToArray()), clock.Elapsed);
    }

    private static bool IsComplete(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var length = RawResponse.Parse(bytes).Header("Content-Length");
        return length is null
            ? text.EndsWith("0\r\n\r\n", StringComparison.Ordinal)
            : bytes.Length >= end + 4 + int.Parse(length, CultureInfo.InvariantCulture);
    }
}
