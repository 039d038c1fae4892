using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Relational.Tests.Fixtures;
using Relational.Tests.Sites;

namespace Relational.Tests.Safety;

/// <summary>
/// <c>deploy/nginx.conf</c> as shipped, started with the site behind it: a reader's whole journey
/// leaves nothing of them in nginx's logs, and one address holding many connections or sending
/// many requests is answered a calm 429 while a reader at another address is served.
/// </summary>
public sealed class ShippedNginxTests : IDisposable
{
    private const string UserAgent = "ReaderAgentMarker/1.0";
    private const string ReferrerMarker = "came-from-referrer-marker";
    private static readonly IPAddress Reader = IPAddress.Parse("127.0.0.2");
    private readonly ScratchFolder _scratch = new("relational-shipped-nginx-site-");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_reader_s_journey_leaves_no_address_path_referrer_user_agent_or_token_in_nginx_s_logs()
    {
        using var site = new SiteProcess(_scratch.File("progress.db"));
        await site.WaitUntilReadyAsync();
        using var nginx = new ShippedNginx(site.Port);
        await nginx.StartAsync();
        using var first = Browser(nginx, IPAddress.Loopback);
        using var second = Browser(nginx, Reader);
        var article = TestReader.Article;

        // Pages as a browser loads them: each page, and the files it names the first time it meets them.
        foreach (var page in new[] { "/", article.Url }.Concat(article.Parts.Select(article.PartUrl)).Append(article.AllUrl))
        {
            await first.OpenAsync(page);
        }

        using (var optIn = await first.Reader.OptInAsync(article.Parts[2]))
        {
            Assert.Equal(HttpStatusCode.SeeOther, optIn.StatusCode);
        }

        await first.OpenAsync(article.PartUrl(article.Parts[3]));
        using var linkPage = await first.Reader.PostAsync("/progress/link");
        Assert.Equal(HttpStatusCode.OK, linkPage.StatusCode);
        var link = new Uri((await Html.ParseAsync(await linkPage.Content.ReadAsStringAsync()))
            .QuerySelector("#resume-url")!.GetAttribute("value")!).AbsolutePath;
        var token = link.Split('/')[^1];
        await second.OpenAsync(link);
        using (var adopted = await second.Reader.PostAsync(link))
        {
            Assert.Equal(HttpStatusCode.SeeOther, adopted.StatusCode);
        }

        await second.OpenAsync("/progress");
        // The download link on /progress, as a browser follows it.
        using (var download = new HttpRequestMessage(HttpMethod.Get, "/progress/export"))
        {
            download.Headers.Add("Cookie", $"{Relational.Progress.ReaderCookie.Name}={second.Reader.Cookie}");
            download.Headers.Add("Sec-Fetch-Site", "same-origin");
            using var export = await second.Client.SendAsync(download);
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            Assert.Contains(article.Parts[3].Slug, await export.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        AssertLogsHoldNone(nginx, "127.0.0.1", "127.0.0.2", article.Slug, "/progress", "GET ", "POST ", token, UserAgent, ReferrerMarker, first.Reader.Cookie!, second.Reader.Cookie!);
    }

    [Fact]
    public async Task A_text_browser_s_form_that_names_the_site_only_in_its_Referer_works_behind_the_proxy_on_a_port_of_its_own()
    {
        using var site = new SiteProcess(_scratch.File("progress.db"));
        await site.WaitUntilReadyAsync();
        using var nginx = new ShippedNginx(site.Port);
        await nginx.StartAsync();
        using var lynx = nginx.ClientFrom(Reader);
        var part = TestReader.Article.Parts[1];

        // As lynx sends it: no Origin, no Sec-Fetch-*, the page it came from with the proxy's port.
        using var remember = new HttpRequestMessage(HttpMethod.Post, new Uri(nginx.Address, "/progress/remember"))
        {
            Content = new FormUrlEncodedContent([new("article", TestReader.Article.Slug), new("part", part.Slug)]),
        };
        remember.Headers.Referrer = new Uri(nginx.Address, TestReader.Article.PartUrl(part));
        using var answer = await lynx.SendAsync(remember);

        Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        Assert.Contains(answer.Headers.GetValues("Set-Cookie"), c => c.StartsWith(Relational.Progress.ReaderCookie.Name + "=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task One_address_holding_many_connections_is_answered_429_and_a_reader_at_another_address_is_served()
    {
        using var site = new SiteProcess(_scratch.File("progress.db"));
        await site.WaitUntilReadyAsync();
        using var nginx = new ShippedNginx(site.Port);
        await nginx.StartAsync();
        var connections = nginx.Setting(@"limit_conn\s+connections_per_address\s+(\d+)\s*;");
        var burst = nginx.Setting(@"limit_req\s+zone=requests_per_address\s+burst=(\d+)");
        const int Beyond = 16;
        // Within the request burst, so that only the connection cap can refuse them.
        Assert.True(connections + Beyond <= burst + 1, "the test's held connections would meet the request rate first");

        // One address: requests whose body never comes, each holding its connection open.
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < connections + Beyond; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                held.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                await socket.ConnectAsync(IPAddress.Loopback, nginx.Port);
                await socket.SendAsync(Encoding.ASCII.GetBytes(
                    $"POST /progress/remember HTTP/1.1\r\nHost: 127.0.0.1:{nginx.Port}\r\nSec-Fetch-Site: same-origin\r\n" +
                    "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 64\r\n\r\n"));
            }

            var answers = await Task.WhenAll(held.Select(socket => FirstLineAsync(socket, TimeSpan.FromSeconds(3))));

            Assert.Equal(Beyond, answers.Count(a => a == "HTTP/1.1 429 Too Many Requests"));
            Assert.Equal(connections, answers.Count(a => a is null));

            // While they are held: a reader at another address reads, opts in and reads on, each page at once.
            using var reader = Browser(nginx, Reader);
            var article = TestReader.Article;
            foreach (var page in new[] { article.Url, article.PartUrl(article.Parts[0]) })
            {
                await reader.OpenAsync(page, within: TimeSpan.FromSeconds(10));
            }

            using (var optIn = await reader.Reader.OptInAsync(article.Parts[0]))
            {
                Assert.Equal(HttpStatusCode.SeeOther, optIn.StatusCode);
            }

            await reader.OpenAsync(article.PartUrl(article.Parts[1]), within: TimeSpan.FromSeconds(10));

            // The holding address itself is told calmly to wait.
            using var holder = nginx.ClientFrom(IPAddress.Loopback);
            using var refused = await holder.GetAsync(article.Url);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("10", Assert.Single(refused.Headers.GetValues("Retry-After")));
            Assert.StartsWith("Too many requests from your address just now.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            AssertLogsHoldNone(nginx, "127.0.0.1", "127.0.0.2", article.Slug, "/progress", UserAgent, ReferrerMarker);
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task One_address_sending_requests_fast_is_slowed_and_a_reader_at_another_address_loading_pages_and_files_is_not()
    {
        using var site = new SiteProcess(_scratch.File("progress.db"));
        await site.WaitUntilReadyAsync();
        using var nginx = new ShippedNginx(site.Port);
        await nginx.StartAsync();
        var burst = nginx.Setting(@"limit_req\s+zone=requests_per_address\s+burst=(\d+)");
        var article = TestReader.Article;

        using var flooder = nginx.ClientFrom(IPAddress.Parse("127.0.0.3"));
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var readerDone = false;
        // Until the reader is done and the flood has been refused at least once; bounded either way.
        var flood = Parallel.ForEachAsync(Enumerable.Range(0, 20 * burst), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (_, cancel) =>
        {
            if (Volatile.Read(ref readerDone) && statuses.Contains(HttpStatusCode.TooManyRequests))
            {
                return;
            }

            using var response = await flooder.GetAsync(article.Url, cancel);
            statuses.Add(response.StatusCode);
        });

        // Meanwhile a reader at another address opens pages quickly, each with every file it names.
        using (var reader = Browser(nginx, Reader, cacheFiles: false))
        {
            foreach (var page in article.Parts.Take(4).Select(article.PartUrl))
            {
                await reader.OpenAsync(page, within: TimeSpan.FromSeconds(10));
            }
        }

        Volatile.Write(ref readerDone, true);
        await flood;

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Equal(statuses.Count, statuses.Count(s => s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests));
        AssertLogsHoldNone(nginx, "127.0.0.2", "127.0.0.3", article.Slug, UserAgent, ReferrerMarker);
    }

    private static void AssertLogsHoldNone(ShippedNginx nginx, params string[] secrets)
    {
        var logs = nginx.Logs();
        Assert.NotEmpty(logs);
        foreach (var (file, text) in logs)
        {
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"nginx's {file} holds \"{secret}\":\n{text}");
            }
        }
    }

    private static PageBrowser Browser(ShippedNginx nginx, IPAddress source, bool cacheFiles = true)
    {
        var client = nginx.ClientFrom(source);
        client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        client.DefaultRequestHeaders.Referrer = new Uri(nginx.Address, TestReader.Article.Url + "?" + ReferrerMarker);
        return new PageBrowser(client, cacheFiles);
    }

    /// <summary>The status line of the first answer on <paramref name="socket"/>, or null if none came in time.</summary>
    private static async Task<string?> FirstLineAsync(Socket socket, TimeSpan wait)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return read == 0 ? "closed" : Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>A reader's browser: a page, then the stylesheets, scripts, icons and manifest it names (once each, as a cache would).</summary>
    private sealed class PageBrowser(HttpClient client, bool cacheFiles) : IDisposable
    {
        private readonly HashSet<string> _loaded = [];

        public HttpClient Client => client;

        public TestReader Reader { get; } = new(client);

        public async Task OpenAsync(string path, TimeSpan? within = null)
        {
            var started = DateTime.UtcNow;
            using var page = await Reader.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var document = await Html.ParseAsync(await page.Content.ReadAsStringAsync());
            var files = document.QuerySelectorAll("link[rel=stylesheet], link[rel~=icon], link[rel=manifest], script[src]")
                .Select(e => e.GetAttribute("href") ?? e.GetAttribute("src")!)
                .Where(f => f.StartsWith('/') && !f.StartsWith("//", StringComparison.Ordinal))
                .Where(f => !cacheFiles || _loaded.Add(f))
                .ToArray();
            Assert.True(cacheFiles || files.Length > 0, $"{path} names no file");
            await Task.WhenAll(files.Select(async file =>
            {
                using var answer = await Reader.GetAsync(file);
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{file} (named by {path}): {(int)answer.StatusCode}");
            }));
            if (within is { } limit)
            {
                Assert.True(DateTime.UtcNow - started < limit, $"{path} and its files took {DateTime.UtcNow - started}");
            }
        }

        public void Dispose() => client.Dispose();
    }
}
