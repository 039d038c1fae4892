using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Relational.Content;
using Relational.Performance;
using Relational.Safety;
using Relational.Tests.Content;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Performance;

/// <summary>
/// An attack on the page cache, on real Kestrel: made-up Host names, other ports, other
/// cases and trailing slashes must neither add entries nor push the real pages out, so readers
/// keep getting pages from memory. (The throughput ratio is measured by bench/cache-attack.sh.)
/// </summary>
public sealed class PageCacheUnderAttackTests
{
    private static readonly string PartPage = Series.PartUrl(6);
    private static readonly string[] Pages = ["/", Series.Url, PartPage, Series.WholeUrl, "/staying-safe", "/preferences"];

    [Fact]
    public async Task Ten_thousand_hostile_addresses_add_no_entry_and_real_pages_still_come_from_the_cache()
    {
        using var site = new RecordingSite();
        var own = $"127.0.0.1:{site.Port}";
        using var client = site.CreateLiveClient();
        foreach (var page in Pages)
        {
            Assert.Null((await GetAsync(client, own, page)).Age);
            Assert.NotNull((await GetAsync(client, own, page)).Age);
        }

        var kept = site.Store.Keys.ToArray();
        var keptBytes = site.Store.Bytes;
        Assert.Equal(Pages.Length, kept.Length);
        var front = site.Services.GetRequiredService<KeptPages>();
        var frontBytes = front.Bytes;
        Assert.Equal(Pages.Length, front.Count);

        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        await Parallel.ForAsync(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var page = Pages[i % Pages.Length];
            // "/" has no other case and no trailing slash to add.
            var named = Pages[1 + (i % (Pages.Length - 1))];
            var (host, path) = (i % 4) switch
            {
                0 => ($"reader{i}.example", page),
                1 => ($"127.0.0.1:{1 + (i % 65535)}", page),
                2 => (own, MixedCase(named, i)),
                _ => (own, named + "/"),
            };
            var response = await GetAsync(client, host, path);
            statuses.AddOrUpdate(response.Status, 1, (_, n) => n + 1);
        });

        // Every hostile request was answered: the page for another name or port, 301 for the rest.
        var counts = string.Join(", ", statuses.Select(s => $"{(int)s.Key} x{s.Value}"));
        Assert.Equal(10_000, statuses.Values.Sum());
        Assert.True(statuses.Keys.All(status => status is HttpStatusCode.OK or HttpStatusCode.MovedPermanently), counts);
        Assert.Equal(kept.Order(), site.Store.Keys.Order());
        Assert.Equal(keptBytes, site.Store.Bytes);
        Assert.Equal(Pages.Length, front.Count);
        Assert.Equal(frontBytes, front.Bytes);
        Assert.All(site.Store.Keys, key => Assert.Contains("\u001e" + own.ToUpperInvariant() + "/", key, StringComparison.Ordinal));
        foreach (var page in Pages)
        {
            var again = await GetAsync(client, own, page);
            Assert.Equal(HttpStatusCode.OK, again.Status);
            Assert.NotNull(again.Age);
        }
    }

    [Fact]
    public async Task A_cache_smaller_than_the_site_evicts_and_keeps_serving_pages_from_memory()
    {
        const int limit = 1024 * 1024;
        // Six articles: every canonical page in every coding, plain and discreet, is several times
        // what a 1 MB cache can hold.
        using var content = new ContentFolder();
        foreach (var copy in Enumerable.Range(2, 5))
        {
            var folder = Path.Combine(content.Root, $"copy-{copy}");
            Directory.CreateDirectory(folder);
            foreach (var file in Directory.EnumerateFiles(content.ArticleFolder))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            content.Edit($"copy-{copy}/article.md", text => text.Replace("slug: " + Series.Slug, $"slug: {Series.Slug}-{copy}", StringComparison.Ordinal));
        }

        var catalogue = ContentLoader.Load(content.Root);
        string[] pages =
        [
            "/", "/staying-safe", "/preferences",
            .. catalogue.Articles.SelectMany(article => new[] { article.Url, article.AllUrl }
                .Concat(article.Parts.Select(article.PartUrl))
                .Concat(article.Parts.Select(part => DiscreetMode.AddressOf(article, part)))),
        ];
        string[] codings = ["br", "gzip", ""];
        using var site = new RecordingSite();
        site.With("Content:Path", content.Root).With("PageCache:SizeLimitMegabytes", "1");
        var own = $"127.0.0.1:{site.Port}";
        using var client = site.CreateLiveClient();
        Assert.Null((await GetAsync(client, own, PartPage, "gzip")).Age);
        Assert.NotNull((await GetAsync(client, own, PartPage, "gzip")).Age);

        // Every canonical page in each coding, plain and discreet, and a hostile variant of each;
        // meanwhile a reader keeps opening one part.
        var requests = pages.SelectMany(page => codings.SelectMany(coding => new[] { (page, "", coding), (page, "?discreet=1", coding) })).ToArray();
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        var (readerViews, readerHits) = (0, 0);
        await Parallel.ForAsync(0, requests.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var (path, query, coding) = requests[i];
            var responses = new[]
            {
                await GetAsync(client, own, path + query, coding),
                await GetAsync(client, $"reader{i}.example", path + query, coding),
                path == "/"
                    ? await GetAsync(client, $"127.0.0.1:{1 + (i % 65535)}", path + query, coding)
                    : await GetAsync(client, own, path + "/" + query, coding),
            };
            foreach (var response in responses)
            {
                statuses.AddOrUpdate(response.Status, 1, (_, n) => n + 1);
            }

            if (i % 10 == 0)
            {
                var reader = await GetAsync(client, own, PartPage, "gzip");
                Interlocked.Increment(ref readerViews);
                if (reader.Age is not null)
                {
                    Interlocked.Increment(ref readerHits);
                }
            }
        });

        var counts = string.Join(", ", statuses.Select(s => $"{(int)s.Key} x{s.Value}"));
        Assert.True(statuses.Keys.All(status => status is HttpStatusCode.OK or HttpStatusCode.MovedPermanently), counts);
        // Far more was offered to the cache than it may hold, and what it holds now is within the limit.
        var offered = site.Store.Bytes;
        var held = 0L;
        foreach (var key in site.Store.Keys)
        {
            held += (await site.Store.Inner.GetAsync(key, CancellationToken.None))?.Length ?? 0;
        }

        Assert.True(offered > 3 * limit, $"only {offered} bytes were offered to the cache");
        Assert.True(held <= limit, $"the cache holds {held} bytes, over its limit of {limit}");
        Assert.True(held > 0, "the cache holds nothing");
        // Its copy answered before routing keeps to the same limit.
        var front = site.Services.GetRequiredService<KeptPages>();
        Assert.True(front.Bytes <= limit, $"the copy before routing holds {front.Bytes} bytes, over the limit of {limit}");
        // The page a reader keeps opening stays in memory while the rest comes and goes.
        Assert.True(readerHits >= readerViews * 0.9, $"the reader's part came from the cache {readerHits} times of {readerViews}");
        // Pages whose entries were evicted are kept again the next time: the cache never freezes.
        foreach (var path in new[] { "/", catalogue.Articles[0].AllUrl, catalogue.Articles[^1].AllUrl, pages[^1] })
        {
            Assert.True(await ComesFromTheCacheAgainAsync(client, own, path), $"{path} is no longer kept");
        }
    }

    [Fact]
    public async Task A_kept_page_is_never_served_for_a_host_the_site_refuses_even_when_pages_ignore_the_host()
    {
        // With a public origin a page is the same whatever the Host, and the cache answers before
        // the request guard: it must still leave a Host the guard refuses to the guard.
        using var site = new RecordingSite();
        site.With("Site:PublicOrigin", "https://reading.example.org").With("AllowedHosts", "127.0.0.1;reading.example.org");
        using var client = site.CreateLiveClient();
        foreach (var page in Pages)
        {
            Assert.Null((await GetAsync(client, "reading.example.org", page)).Age);
            Assert.NotNull((await GetAsync(client, "reading.example.org", page)).Age);
        }

        var kept = site.Store.Keys.ToArray();
        foreach (var page in Pages)
        {
            string[] refused =
            [
                $"GET {page} HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n",
                $"GET {page} HTTP/1.1\r\nHost: hostile.example\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n",
                $"GET {page} HTTP/1.1\r\nHost: 127.0.0.1:99999\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n",
            ];
            foreach (var raw in refused)
            {
                var response = await site.SendRawAsync(System.Text.Encoding.ASCII.GetBytes(raw));
                Assert.True(response.Status == 400, $"{raw.Split('\r')[0]} with that Host answered {response.Status}");
                Assert.Null(response.Header("Age"));
            }
        }

        Assert.Equal(kept.Order(), site.Store.Keys.Order());
    }

    /// <summary>
    /// Opens a page (identity coding, the largest entries) until it is answered from the cache; the
    /// store makes room in the background once it is full, so a few tries are allowed.
    /// </summary>
    private static async Task<bool> ComesFromTheCacheAgainAsync(HttpClient client, string host, string path)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var response = await GetAsync(client, host, path, "");
            Assert.Equal(HttpStatusCode.OK, response.Status);
            if (response.Age is not null)
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    private static string MixedCase(string path, int seed)
    {
        var chars = path.ToCharArray();
        var letters = Enumerable.Range(0, chars.Length).Where(i => char.IsAsciiLetterLower(chars[i])).ToArray();
        var letter = letters[seed % letters.Length];
        chars[letter] = char.ToUpperInvariant(chars[letter]);
        return new string(chars);
    }

    private static async Task<(HttpStatusCode Status, TimeSpan? Age)> GetAsync(HttpClient client, string host, string path, string coding = "gzip")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        if (coding.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", coding);
        }

        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, response.Headers.Age);
    }

    /// <summary>The live site, its output cache store wrapped so the test sees what is stored.</summary>
    private sealed class RecordingSite : LiveSite
    {
        public RecordingStore Store { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                var real = services.Last(d => d.ServiceType == typeof(IOutputCacheStore));
                services.Remove(real);
                services.AddSingleton<IOutputCacheStore>(provider =>
                {
                    Store.Inner = (IOutputCacheStore)real.ImplementationFactory!(provider);
                    return Store;
                });
            });
        }
    }

    /// <summary>The real memory store, with a record of every key and size stored in it.</summary>
    private sealed class RecordingStore : IOutputCacheStore
    {
        private readonly ConcurrentDictionary<string, int> _stored = new();

        public IOutputCacheStore Inner { get; set; } = default!;

        public ICollection<string> Keys => _stored.Keys;

        public long Bytes => _stored.Values.Sum(size => (long)size);

        public ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken) => Inner.EvictByTagAsync(tag, cancellationToken);

        public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) => Inner.GetAsync(key, cancellationToken);

        public ValueTask SetAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken)
        {
            _stored[key] = value.Length;
            return Inner.SetAsync(key, value, tags, validFor, cancellationToken);
        }
    }
}
