using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Relational.Tests.Fixtures;
using Relational.Tests.Sites;

namespace Relational.Tests.Safety;

/// <summary>
/// Connections that never send a byte, more of them than the process may hold open: the site
/// refuses what it cannot hold, keeps serving, and never exits. The real process, under a low
/// open-file limit (<c>prlimit</c>), on loopback.
/// </summary>
public sealed class IdleConnectionTests : IDisposable
{
    /// <summary>The process needs about 340 descriptors of its own once warm.</summary>
    private const int OpenFileLimit = 1024;

    /// <summary>More idle sockets than the process could hold even if it spent every descriptor on them.</summary>
    private const int IdleSockets = 1_200;

    private readonly ScratchFolder _folder = new("relational-idle-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_configured_connection_limit_holds_and_a_reader_is_served_while_idle_sockets_are_held()
    {
        const int limit = 50;
        using var site = new SiteProcess(_folder.File("progress.db"), OpenFileLimit,
            ("Kestrel__Limits__MaxConcurrentConnections", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await site.WaitUntilReadyAsync();

        // A reader already here, on a kept-alive connection, before the flood.
        using var reader = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = site.Address };
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(TestReader.Article.Url)).StatusCode);

        var idle = await OpenIdleAsync(site.Port, IdleSockets);
        try
        {
            Assert.False(site.HasExited, "the site exited under idle connections: " + site.Output);
            // The reader's connection is one the site holds: it is still served.
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(TestReader.Article.Url)).StatusCode);

            // Connections beyond the configured limit are closed at once; only up to the limit stay.
            var stillOpen = await StillOpenAsync(idle, limit);
            Assert.InRange(stillOpen, 1, limit);

            var firstPage = await FirstPageAsync(site, within: TimeSpan.FromSeconds(30));
            Assert.False(site.HasExited, "the site exited under idle connections: " + site.Output);
            Assert.True(firstPage is not null, "no page within 30 s while idle connections were held");

            // The refusals are summed in one line, not logged one a connection.
            var summary = Stopwatch.StartNew();
            while (!site.Output.Contains("connections refused", StringComparison.Ordinal) && summary.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }

            Assert.Contains("connections refused", site.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("rejected because", site.Output, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var socket in idle)
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task With_no_limit_configured_the_site_stays_below_its_open_file_limit()
    {
        using var site = new SiteProcess(_folder.File("progress.db"), OpenFileLimit);
        await site.WaitUntilReadyAsync();

        var idle = await OpenIdleAsync(site.Port, IdleSockets);
        try
        {
            var stillOpen = await StillOpenAsync(idle, OpenFileLimit - 1);
            Assert.False(site.HasExited, "the site exited under idle connections: " + site.Output);
            Assert.InRange(stillOpen, 1, OpenFileLimit - 1);
            Assert.True(await FirstPageAsync(site, within: TimeSpan.FromSeconds(30)) is not null,
                "no page within 30 s while idle connections were held");
            Assert.False(site.HasExited, "the site exited under idle connections: " + site.Output);
        }
        finally
        {
            foreach (var socket in idle)
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_is_closed_after_the_configured_seconds()
    {
        using var site = new SiteProcess(_folder.File("progress.db"), ("Kestrel__Limits__KeepAliveTimeout", "00:00:02"));
        await site.WaitUntilReadyAsync();

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, site.Port);
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = await socket.ReceiveAsync(new byte[1], SocketFlags.None, timeout.Token);

        Assert.Equal(0, read);
        // Kestrel checks its timeouts once a second.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(5));
    }

    /// <summary>Opens idle sockets, a few at a time; a connection the site turns away still counts as tried.</summary>
    private static async Task<List<Socket>> OpenIdleAsync(int port, int count)
    {
        var sockets = new List<Socket>(count);
        using var gate = new SemaphoreSlim(32);
        var attempts = Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
                    lock (sockets)
                    {
                        sockets.Add(socket);
                    }
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    socket.Dispose();
                }
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(attempts);
        return sockets;
    }

    /// <summary>
    /// How many of <paramref name="sockets"/> the site still holds, once that is at most
    /// <paramref name="most"/> or 5 s have passed (well within the 10 s after which the site closes
    /// idle connections it did hold).
    /// </summary>
    private static async Task<int> StillOpenAsync(List<Socket> sockets, int most)
    {
        var clock = Stopwatch.StartNew();
        int open;
        while ((open = sockets.Count(IsOpen)) > most && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        return open;
    }

    /// <summary>True while the site has not closed the connection (nothing to read, no end of stream).</summary>
    private static bool IsOpen(Socket socket)
    {
        try
        {
            return !(socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>How long a new reader waited for the cover, trying again until it came; null if it never did.</summary>
    private static async Task<TimeSpan?> FirstPageAsync(SiteProcess site, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within && !site.HasExited)
        {
            using var client = new HttpClient { BaseAddress = site.Address, Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var response = await client.GetAsync(TestReader.Article.Url);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return clock.Elapsed;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        return null;
    }
}
