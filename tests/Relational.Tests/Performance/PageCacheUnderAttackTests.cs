using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Relational.Tests.Safety;

namespace Relational.Tests.Performance;

/// <summary>
/// An attack on the page cache, on real Kestrel: made-up Host names, other ports, other
/// cases and trailing slashes must neither add entries nor push the real pages out, so readers
/// keep getting pages from memory. (The throughput ratio is measured by bench/cache-attack.sh.)
/// </summary>
public sealed class PageCacheUnderAttackTests
{
    private const string Article = "/healing-trauma-in-relationship";
    private const string Section = Article + "/safety-is-built-not-assumed";
    private static readonly string[] Pages = ["/", Article, Section, Article + "/all", "/staying-safe", "/preferences"];

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
        Assert.All(site.Store.Keys, key => Assert.Contains("\u001e" + own.ToUpperInvariant() + "/", key, StringComparison.Ordinal));
        foreach (var page in Pages)
        {
            var again = await GetAsync(client, own, page);
            Assert.Equal(HttpStatusCode.OK, again.Status);
            Assert.NotNull(again.Age);
        }
    }

    private static string MixedCase(string path, int seed)
    {
        var chars = path.ToCharArray();
        var letters = Enumerable.Range(0, chars.Length).Where(i => char.IsAsciiLetterLower(chars[i])).ToArray();
        var letter = letters[seed % letters.Length];
        chars[letter] = char.ToUpperInvariant(chars[letter]);
        return new string(chars);
    }

    private static async Task<(HttpStatusCode Status, TimeSpan? Age)> GetAsync(HttpClient client, string host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
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
