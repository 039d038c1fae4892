using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Relational.Content;
using Relational.Performance;
using Relational.Progress;

namespace Relational.Tests.Performance;

/// <summary>
/// Pages for readers who have not opted in are served from snapshots: revalidated with ETags,
/// compressed, never stale after a content change, never personalised, and bounded in memory.
/// </summary>
public sealed class PageSnapshotTests
{
    private const string Section = "/healing-trauma-in-relationship/safety-is-built-not-assumed";

    [Theory]
    [InlineData("/")]
    [InlineData("/healing-trauma-in-relationship")]
    [InlineData(Section)]
    [InlineData("/healing-trauma-in-relationship/all")]
    [InlineData("/staying-safe")]
    [InlineData("/preferences")]
    public async Task Every_reading_page_can_be_revalidated_with_its_etag(string path)
    {
        using var factory = new SiteFactory();
        using var client = factory.CreateClient();

        using var first = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.True(first.Headers.CacheControl?.NoCache);

        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(etag);
        using var revalidated = await client.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, revalidated.Headers.ETag);
    }

    [Fact]
    public async Task Brotli_and_gzip_decode_to_the_same_page_as_the_uncompressed_one()
    {
        using var factory = new SiteFactory();
        using var client = factory.CreateClient();

        using var plain = await GetAsync(client, Section, acceptEncoding: null);
        using var brotli = await GetAsync(client, Section, "br, gzip");
        using var gzip = await GetAsync(client, Section, "gzip");

        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal(["br"], brotli.Content.Headers.ContentEncoding);
        Assert.Equal(["gzip"], gzip.Content.Headers.ContentEncoding);
        foreach (var response in new[] { plain, brotli, gzip })
        {
            Assert.Contains("Accept-Encoding", response.Headers.Vary);
        }

        var html = await plain.Content.ReadAsStringAsync();
        Assert.Contains("Relational safety does not arrive all at once.", html);
        Assert.Equal(html, await DecodeAsync(brotli, s => new BrotliStream(s, CompressionMode.Decompress)));
        Assert.Equal(html, await DecodeAsync(gzip, s => new GZipStream(s, CompressionMode.Decompress)));
        Assert.NotEqual(brotli.Headers.ETag, gzip.Headers.ETag);
    }

    [Fact]
    public async Task A_page_from_memory_carries_the_same_headers_as_when_it_was_first_rendered()
    {
        using var factory = new SiteFactory();
        using var client = factory.CreateClient();

        using var first = await GetAsync(client, Section, "br");
        using var second = await GetAsync(client, Section, "br");

        Assert.Equal(HeaderNames(first), HeaderNames(second));
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_head_request_gets_the_headers_without_the_page()
    {
        using var factory = new SiteFactory();
        using var client = factory.CreateClient();
        using var get = await GetAsync(client, Section, "br");

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, Section)
        {
            Headers = { AcceptEncoding = { new StringWithQualityHeaderValue("br") } },
        });

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_reader_who_opted_in_gets_a_freshly_rendered_private_page_still_compressed()
    {
        using var factory = new SiteFactory();
        using var client = factory.CreateClient();
        var cache = factory.Services.GetRequiredService<PageSnapshotCache>();

        var request = new HttpRequestMessage(HttpMethod.Get, Section);
        request.Headers.Add("Cookie", ReaderCookie.Name + "=a-reader");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.Private);
        Assert.True(response.Headers.CacheControl?.NoCache == true || response.Headers.CacheControl?.NoStore == true);
        Assert.Null(response.Headers.ETag);
        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
        Assert.Contains("Relational safety does not arrive all at once.", await DecodeAsync(response, s => new BrotliStream(s, CompressionMode.Decompress)));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task After_the_content_changes_readers_get_the_new_text_not_a_stale_page()
    {
        var content = CopyOfContent();
        try
        {
            using var factory = new SiteFactory().With("Content:Path", content);
            using var client = factory.CreateClient();
            using var before = await GetAsync(client, Section, "br");
            using var beforeAgain = await GetAsync(client, Section, "br");
            Assert.Equal(before.Headers.ETag, beforeAgain.Headers.ETag);

            var file = Path.Combine(content, "healing-trauma-in-relationship", "06-safety-is-built-not-assumed.md");
            await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file))
                .Replace("Relational safety does not arrive all at once.", "Relational safety arrives slowly, and that is fine.", StringComparison.Ordinal));
            Assert.True(factory.Services.GetRequiredService<CatalogueProvider>().Reload());

            using var after = await GetAsync(client, Section, acceptEncoding: null);
            var html = await after.Content.ReadAsStringAsync();
            Assert.Contains("Relational safety arrives slowly, and that is fine.", html);
            Assert.DoesNotContain("does not arrive all at once", html);
            Assert.NotEqual(before.Headers.ETag?.Tag, after.Headers.ETag?.Tag);

            // A reader revalidating the old copy is sent the new one.
            using var revalidate = new HttpRequestMessage(HttpMethod.Get, Section);
            revalidate.Headers.IfNoneMatch.Add(before.Headers.ETag!);
            revalidate.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
            using var revalidated = await client.SendAsync(revalidate);
            Assert.Equal(HttpStatusCode.OK, revalidated.StatusCode);
        }
        finally
        {
            Directory.Delete(content, recursive: true);
        }
    }

    [Theory]
    [InlineData("/healing-trauma-in-relationship/no-such-part", HttpStatusCode.NotFound)]
    [InlineData("/progress", HttpStatusCode.OK)]
    public async Task Missing_pages_and_progress_pages_are_never_kept(string path, HttpStatusCode status)
    {
        using var factory = new SiteFactory();
        using var client = factory.CreateClient();
        var cache = factory.Services.GetRequiredService<PageSnapshotCache>();

        for (var i = 0; i < 2; i++)
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(status, response.StatusCode);
            Assert.Null(response.Headers.ETag);
        }

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Made_up_query_strings_are_answered_but_never_fill_the_cache()
    {
        using var factory = new SiteFactory();
        using var client = factory.CreateClient();
        var cache = factory.Services.GetRequiredService<PageSnapshotCache>();

        for (var i = 0; i < 40; i++)
        {
            using var response = await client.GetAsync($"{Section}?utm_source=x{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var discreet = await client.GetAsync(Section + "?discreet=1");
        Assert.NotNull(discreet.Headers.ETag);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task Each_host_gets_its_own_links_and_the_number_kept_is_capped()
    {
        using var factory = new SiteFactory().With("PageSnapshots:MaxEntries", "5");
        using var client = factory.CreateClient();
        var cache = factory.Services.GetRequiredService<PageSnapshotCache>();

        for (var i = 0; i < 12; i++)
        {
            var document = await client.GetDocumentAsync($"http://host{i}.example{Section}");
            var canonical = document.QuerySelector("link[rel=canonical]")?.GetAttribute("href");
            Assert.Equal($"http://host{i}.example{Section}", canonical);
        }

        Assert.Equal(5, cache.Count);
    }

    [Theory]
    [InlineData("br, gzip", ContentCoding.Brotli)]
    [InlineData("gzip, deflate, br, zstd", ContentCoding.Brotli)]
    [InlineData("gzip", ContentCoding.Gzip)]
    [InlineData("br;q=0, gzip", ContentCoding.Gzip)]
    [InlineData("gzip;q=1.0, br;q=0.5", ContentCoding.Gzip)]
    [InlineData("*", ContentCoding.Brotli)]
    [InlineData("*;q=0", ContentCoding.Identity)]
    [InlineData("identity", ContentCoding.Identity)]
    [InlineData("", ContentCoding.Identity)]
    public void The_coding_sent_is_the_one_the_reader_prefers(string header, object expected) =>
        Assert.Equal((ContentCoding)expected, AcceptEncoding.Choose(header));

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? acceptEncoding)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static async Task<string> DecodeAsync(HttpResponseMessage response, Func<Stream, Stream> decoder)
    {
        await using var decoded = decoder(await response.Content.ReadAsStreamAsync());
        using var reader = new StreamReader(decoded, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private static string[] HeaderNames(HttpResponseMessage response) =>
        [.. response.Headers.Concat(response.Content.Headers).Select(h => h.Key).Where(k => k != "Date").Order(StringComparer.OrdinalIgnoreCase)];

    private static string CopyOfContent()
    {
        var target = Directory.CreateTempSubdirectory("relational-content-").FullName;
        foreach (var file in Directory.EnumerateFiles(Paths.Content, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Paths.Content, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }
}
