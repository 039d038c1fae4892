using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Relational.Tests.Fixtures;

/// <summary>
/// The site on real Kestrel on a loopback port, for requests that only a raw socket can send
/// (a malformed request line, a smuggling attempt, a foreign Host).
/// </summary>
public class LiveSite : SiteFactory
{
    private Uri? _address;

    public LiveSite()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
    }

    public Uri Address => _address ??= Start();

    public int Port => Address.Port;

    /// <summary>An HttpClient to the real socket (no cookie container: each request stands alone).</summary>
    public HttpClient CreateLiveClient() =>
        new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = Address };

    /// <summary>Sends bytes exactly as given and reads the answer until the server closes.</summary>
    public async Task<RawResponse> SendRawAsync(byte[] request, IPAddress? from = null)
    {
        using var client = new TcpClient(new IPEndPoint(from ?? IPAddress.Loopback, 0));
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await stream.WriteAsync(request, timeout.Token);
        }
        catch (IOException)
        {
            // The server may answer and close before a long request is fully written.
        }

        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // Reset after the answer was sent: the answer is what counts.
        }

        return RawResponse.Parse(received.ToArray());
    }

    public Task<RawResponse> SendRawAsync(string request, IPAddress? from = null) => SendRawAsync(Encoding.Latin1.GetBytes(request), from);

    private Uri Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        return new Uri(addresses.Addresses.First());
    }
}

/// <summary>An HTTP/1.1 answer as it came over the wire.</summary>
public sealed record RawResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    /// <summary>How many responses came back on the connection (a smuggled request would make two).</summary>
    public int Count { get; private init; } = 1;

    public string? Header(string name) =>
        Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    public IEnumerable<string> All(string name) =>
        Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    public static RawResponse Parse(byte[] bytes)
    {
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return new RawResponse(0, [], Encoding.UTF8.GetString(bytes));
        }

        var lines = Encoding.Latin1.GetString(bytes, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .Select(parts => new KeyValuePair<string, string>(parts[0].Trim(), parts.Length > 1 ? parts[1].Trim() : ""))
            .ToList();
        var body = bytes.AsSpan(end + 4);
        var chunked = headers.Any(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("chunked"));
        var count = Regex.Count(Encoding.Latin1.GetString(bytes), @"(^|\n)HTTP/1\.[01] \d{3}");
        return new RawResponse(status, headers, Encoding.UTF8.GetString(chunked ? Unchunk(body) : body)) { Count = count };
    }

    private static byte[] Unchunk(ReadOnlySpan<byte> chunked)
    {
        using var result = new MemoryStream();
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n"u8);
            if (lineEnd <= 0)
            {
                break;
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked[..lineEnd]).Split(';')[0], 16);
            if (size == 0 || lineEnd + 2 + size > chunked.Length)
            {
                break;
            }

            result.Write(chunked.Slice(lineEnd + 2, size));
            chunked = chunked[Math.Min(chunked.Length, lineEnd + 2 + size + 2)..];
        }

        return result.ToArray();
    }
}
