using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Relational.Content;
using Relational.Tests.Content;
using Relational.Tests.Fixtures;
using Relational.Tests.Progress;

namespace Relational.Tests.Performance;

/// <summary>
/// Pages that are the same for every reader who has not opted in come from the output cache:
/// compressed once, revalidated with ETags, never stale after a content change, kept only at
/// their canonical address, and never sent to a reader whose page is their own.
/// </summary>
public sealed class PageCacheTests
{
    private const string Article = Series.Url;
    private const string PartPage = Article + "/safety-is-built-not-assumed";
    private const string Text = "Relational safety does not arrive all at once.";
    private const string FinishButton = "I’ve finished this part";
    private const string OptInButton = "Remember my place on this device";

    /// <summary>The site with <c>AllowedHosts</c> naming the test host, as in production.</summary>
    private static SiteFactory CachingSite() => new SiteFactory().With("AllowedHosts", "localhost");

    [Theory]
    [InlineData("/")]
    [InlineData(Article)]
    [InlineData(PartPage)]
    [InlineData(Series.WholeUrl)]
    [InlineData("/staying-safe")]
    [InlineData("/preferences")]
    public async Task Every_reading_page_is_served_from_the_cache_and_revalidated_with_its_etag(string path)
    {
        using var factory = CachingSite();
        using var client = factory.CreateClient();

        using var first = await GetAsync(client, path, "br");
        using var second = await GetAsync(client, path, "br");

        Assert.Null(first.Headers.Age);
        Assert.NotNull(second.Headers.Age);
        Assert.True(second.Headers.CacheControl?.NoCache);
        var etag = second.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Equal(first.Headers.ETag, etag);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
        // Kept pages are answered before most of the pipeline: a header the site sets on the
        // rendered page and not on the kept one is a middleware placed after UseKeptPages.
        Assert.Equal(SentHeaders(first), SentHeaders(second));

        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(etag);
        again.Headers.AcceptEncoding.ParseAdd("br");
        using var revalidated = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, revalidated.Headers.ETag);
    }

    /// <summary>
    /// A kept page answers 304 only to the ETag it was sent with: a browser holding an older copy
    /// (or another coding's) must get the whole page, or it would show the stale one.
    /// </summary>
    [Theory]
    [InlineData("\"another-version\"")]
    [InlineData("W/\"another-version\"")]
    public async Task A_kept_page_is_sent_whole_to_a_browser_holding_another_version(string staleTag)
    {
        using var factory = CachingSite();
        using var client = factory.CreateClient();
        using var first = await GetAsync(client, PartPage, "br");
        using var kept = await GetAsync(client, PartPage, "br");
        Assert.NotNull(kept.Headers.Age);

        using var stale = new HttpRequestMessage(HttpMethod.Get, PartPage);
        stale.Headers.TryAddWithoutValidation("If-None-Match", staleTag);
        stale.Headers.AcceptEncoding.ParseAdd("br");
        using var response = await client.SendAsync(stale);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(kept.Headers.ETag, response.Headers.ETag);
        Assert.Equal(await kept.Content.ReadAsByteArrayAsync(), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Brotli_gzip_and_plain_are_each_kept_compressed_and_decode_to_the_same_page()
    {
        using var factory = CachingSite();
        using var client = factory.CreateClient();
        foreach (var coding in new[] { null, "br, gzip", "gzip" })
        {
            (await GetAsync(client, PartPage, coding)).Dispose();
        }

        using var plain = await GetAsync(client, PartPage, acceptEncoding: null);
        using var brotli = await GetAsync(client, PartPage, "gzip, deflate, br, zstd");
        using var gzip = await GetAsync(client, PartPage, "gzip;q=1.0, br;q=0.5");

        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal(["br"], brotli.Content.Headers.ContentEncoding);
        Assert.Equal(["gzip"], gzip.Content.Headers.ContentEncoding);
        foreach (var response in new[] { plain, brotli, gzip })
        {
            // Another spelling of the same choice is the same entry: already kept.
            Assert.NotNull(response.Headers.Age);
            Assert.Contains("Accept-Encoding", response.Headers.Vary);
        }

        var html = await plain.Content.ReadAsStringAsync();
        Assert.Contains(Text, html);
        Assert.Equal(html, await DecodeAsync(brotli, s => new BrotliStream(s, CompressionMode.Decompress)));
        Assert.Equal(html, await DecodeAsync(gzip, s => new GZipStream(s, CompressionMode.Decompress)));
        Assert.Equal(3, new[] { plain, brotli, gzip }.Select(r => r.Headers.ETag?.Tag).Distinct().Count());
    }

    /// <summary>
    /// The coding follows the reader's own weights: one refused with q=0 is never sent, even when
    /// <c>*</c> accepts the rest, and a coding named after <c>*</c> keeps its own weight. Response
    /// Compression's own provider would send Brotli to both (its <c>*</c> adds every coding and
    /// ends the list), which is why <c>ContentCodings.Preferred</c> chooses for kept pages.
    /// </summary>
    [Theory]
    [InlineData("br;q=0, *")]
    [InlineData("*;q=0.5, gzip")]
    public async Task A_kept_page_comes_in_the_coding_the_reader_weighs_highest(string acceptEncoding)
    {
        using var factory = CachingSite();
        using var client = factory.CreateClient();

        using var first = await GetAsync(client, PartPage, acceptEncoding);
        using var kept = await GetAsync(client, PartPage, acceptEncoding);

        foreach (var response in new[] { first, kept })
        {
            Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
            Assert.Contains(Text, await DecodeAsync(response, s => new GZipStream(s, CompressionMode.Decompress)));
        }

        Assert.NotNull(kept.Headers.Age);
    }

    /// <summary>
    /// A kept page is answered before routing and the security headers run (KeptPages): it must go
    /// out exactly as the output cache sent it, security headers included, and with HSTS only for
    /// the scheme it was kept for.
    /// </summary>
    [Fact]
    public async Task A_kept_page_goes_out_as_it_was_first_sent_with_its_own_schemes_headers()
    {
        using var factory = CachingSite();
        using var plain = factory.CreateClient();
        using var secure = factory.CreateClient(new() { BaseAddress = new Uri("https://localhost") });

        foreach (var (client, hsts) in new[] { (plain, (string?)null), (secure, "max-age=31536000"), (plain, null) })
        {
            using var first = await GetAsync(client, PartPage, "gzip");
            using var kept = await GetAsync(client, PartPage, "gzip");
            using var keptAgain = await GetAsync(client, PartPage, "gzip");

            Assert.NotNull(kept.Headers.Age);
            var bytes = await kept.Content.ReadAsByteArrayAsync();
            Assert.Equal(await first.Content.ReadAsByteArrayAsync(), bytes);
            Assert.Equal(bytes, await keptAgain.Content.ReadAsByteArrayAsync());
            Assert.Equal(bytes.Length, kept.Content.Headers.ContentLength);
            Assert.Equal(SentHeaders(first), SentHeaders(kept));
            Assert.Equal(SentHeaders(kept), SentHeaders(keptAgain));
            SafetyAssert.Headers(SafetyAssert.Reader(kept));
            Assert.Equal(hsts, SafetyAssert.Reader(kept)("Strict-Transport-Security"));
        }
    }

    /// <summary>Every header but those that describe one sending (its date, age and framing).</summary>
    private static string[] SentHeaders(HttpResponseMessage response) =>
    [
        .. response.Headers.Concat(response.Content.Headers)
            .Where(header => header.Key is not ("Date" or "Age" or "Content-Length" or "Transfer-Encoding"))
            .Select(header => $"{header.Key}: {string.Join(", ", header.Value)}")
            .Order(StringComparer.Ordinal),
    ];

    [Fact]
    public async Task A_head_request_gets_the_headers_without_the_page()
    {
        using var site = new LiveSite();
        var host = $"Host: 127.0.0.1:{site.Port}";
        await site.SendRawAsync($"GET {PartPage} HTTP/1.1\r\n{host}\r\nAccept-Encoding: br\r\nConnection: close\r\n\r\n");
        var get = await site.SendRawAsync($"GET {PartPage} HTTP/1.1\r\n{host}\r\nAccept-Encoding: br\r\nConnection: close\r\n\r\n");

        var head = await site.SendRawAsync($"HEAD {PartPage} HTTP/1.1\r\n{host}\r\nAccept-Encoding: br\r\nConnection: close\r\n\r\n");

        Assert.Equal(200, head.Status);
        Assert.NotNull(get.Header("Age"));
        Assert.Equal(get.Header("ETag"), head.Header("ETag"));
        Assert.Equal("br", head.Header("Content-Encoding"));
        Assert.Empty(head.Body);
    }

    /// <summary>docs/security.md: a page shaped by one reader's progress is never sent to anyone else.</summary>
    [Fact]
    public async Task No_reader_is_ever_sent_another_readers_page_nor_a_cached_one()
    {
        using var factory = CachingSite();
        using var started = factory.CreateClient();
        using var finished = factory.CreateClient();
        using var stranger = factory.CreateClient();
        foreach (var reader in new[] { started, finished })
        {
            Forms.AssertOk(await reader.PostFormAsync("/progress/remember", Forms.Place()));
        }

        Forms.AssertOk(await finished.PostFormAsync("/progress/finished", Forms.Place(Series.PartSlug(6))));

        // Interleaved, each coding, twice over: whoever asked first, every answer is the asker's own.
        for (var round = 0; round < 2; round++)
        {
            foreach (var coding in new[] { "br", "gzip", null })
            {
                using var anonymous = await GetAsync(stranger, PartPage, coding);
                using var mine = await GetAsync(started, PartPage, coding);
                using var theirs = await GetAsync(finished, PartPage, coding);

                var anonymousHtml = await BodyAsync(anonymous);
                Assert.Contains(OptInButton, anonymousHtml);
                Assert.DoesNotContain(FinishButton, anonymousHtml);

                var mineHtml = await BodyAsync(mine);
                Assert.Contains(FinishButton, mineHtml);
                Assert.DoesNotContain(OptInButton, mineHtml);

                var theirsHtml = await BodyAsync(theirs);
                Assert.DoesNotContain(FinishButton, theirsHtml);
                Assert.DoesNotContain(OptInButton, theirsHtml);

                foreach (var reader in new[] { mine, theirs })
                {
                    Assert.True(reader.Headers.CacheControl?.Private);
                    Assert.Null(reader.Headers.Age);
                    Assert.Null(reader.Headers.ETag);
                    Assert.Equal(coding is null ? [] : [coding], reader.Content.Headers.ContentEncoding);
                }
            }
        }
    }

    [Fact]
    public async Task After_the_content_changes_readers_get_the_new_text_not_a_kept_page()
    {
        using var content = new ContentFolder();
        using var factory = CachingSite().With("Content:Path", content.Root);
        using var client = factory.CreateClient();
        using var before = await GetAsync(client, PartPage, "br");
        using var beforeAgain = await GetAsync(client, PartPage, "br");
        Assert.NotNull(beforeAgain.Headers.Age);

        content.Edit(Series.PartFile(6), text =>
            text.Replace(Text, "Relational safety arrives slowly, and that is fine.", StringComparison.Ordinal));
        Assert.True(factory.Services.GetRequiredService<CatalogueProvider>().Reload());

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, PartPage);
        revalidate.Headers.IfNoneMatch.Add(before.Headers.ETag!);
        using var after = await client.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Null(after.Headers.Age);
        var html = await after.Content.ReadAsStringAsync();
        Assert.Contains("Relational safety arrives slowly, and that is fine.", html);
        Assert.DoesNotContain(Text, html);
        Assert.NotEqual(before.Headers.ETag?.Tag, after.Headers.ETag?.Tag);
    }

    [Theory]
    [InlineData(Article + "/no-such-part", HttpStatusCode.NotFound)]
    [InlineData("/progress", HttpStatusCode.OK)]
    [InlineData(PartPage + "?utm_source=x", HttpStatusCode.OK)]
    [InlineData(PartPage + "?discreet=2", HttpStatusCode.OK)]
    public async Task Missing_pages_progress_pages_and_made_up_query_strings_are_answered_but_never_kept(string path, HttpStatusCode status)
    {
        using var factory = CachingSite();
        using var client = factory.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(status, response.StatusCode);
            Assert.Null(response.Headers.Age);
            Assert.Null(response.Headers.ETag);
        }
    }

    [Fact]
    public async Task A_link_shared_in_discreet_mode_is_kept_apart_from_the_plain_page()
    {
        using var factory = CachingSite();
        using var client = factory.CreateClient();
        using var plain = await GetAsync(client, PartPage, "br");
        using var discreet = await GetAsync(client, PartPage + "?discreet=1", "br");
        using var discreetAgain = await GetAsync(client, PartPage + "?discreet=1", "br");

        Assert.Null(discreet.Headers.Age);
        Assert.NotNull(discreetAgain.Headers.Age);
        Assert.NotEqual(plain.Headers.ETag, discreet.Headers.ETag);
    }

    [Fact]
    public async Task A_host_that_is_not_the_sites_own_gets_its_own_links_and_is_never_kept()
    {
        // AllowedHosts "*" and no Site:PublicOrigin: any Host is answered, with links naming it.
        using var factory = new SiteFactory();
        using var client = factory.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            foreach (var host in new[] { "host.example", "localhost:8080", "LOCALHOST" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, PartPage);
                request.Headers.Host = host;
                using var response = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Null(response.Headers.Age);
                var document = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
                Assert.Equal($"http://{host}{PartPage}", document.QuerySelector("link[rel=canonical]")?.GetAttribute("href"));
            }
        }
    }

    [Fact]
    public async Task With_a_public_origin_every_host_shares_one_kept_page_naming_that_origin()
    {
        using var factory = new SiteFactory().With("Site:PublicOrigin", "https://relational.example");
        using var client = factory.CreateClient();
        (await client.GetAsync($"http://first.example{PartPage}")).Dispose();

        foreach (var host in new[] { "second.example", "localhost:8080", "FIRST.example" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, PartPage);
            request.Headers.Host = host;
            using var response = await client.SendAsync(request);
            Assert.NotNull(response.Headers.Age);
            var document = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
            Assert.Equal("https://relational.example" + PartPage, document.QuerySelector("link[rel=canonical]")?.GetAttribute("href"));
        }
    }

    [Theory]
    [InlineData("/STAYING-SAFE", "/staying-safe")]
    [InlineData("/staying-safe/", "/staying-safe")]
    [InlineData("/Preferences", "/preferences")]
    [InlineData("/HEALING-TRAUMA-IN-RELATIONSHIP", Article)]
    [InlineData(Article + "/", Article)]
    [InlineData("/Healing-Trauma-In-Relationship/Safety-Is-Built-Not-Assumed?from=a-friend", PartPage + "?from=a-friend")]
    [InlineData(PartPage + "/", PartPage)]
    [InlineData(Article + "/ALL/", Article + "/all")]
    public async Task Another_case_or_a_trailing_slash_redirects_permanently_to_the_one_address(string path, string canonical)
    {
        using var factory = CachingSite();
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        for (var i = 0; i < 2; i++)
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
            Assert.Equal(canonical, response.Headers.Location?.OriginalString);
        }

        using var reader = new HttpRequestMessage(HttpMethod.Get, path);
        reader.Headers.Add("Cookie", "relational-reader=a-reader");
        using var readerResponse = await client.SendAsync(reader);
        Assert.Equal(HttpStatusCode.MovedPermanently, readerResponse.StatusCode);
    }

    [Theory]
    [InlineData(Article + "/NO-SUCH-PART")]
    [InlineData("/NO-SUCH-ARTICLE/")]
    [InlineData(Article + "/no-such-part/")]
    public async Task A_missing_page_in_another_case_is_not_found_not_redirected(string path)
    {
        using var factory = CachingSite();
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

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

    private static async Task<string> BodyAsync(HttpResponseMessage response) =>
        response.Content.Headers.ContentEncoding.FirstOrDefault() switch
        {
            "br" => await DecodeAsync(response, s => new BrotliStream(s, CompressionMode.Decompress)),
            "gzip" => await DecodeAsync(response, s => new GZipStream(s, CompressionMode.Decompress)),
            _ => await response.Content.ReadAsStringAsync(),
        };

    private static async Task<string> DecodeAsync(HttpResponseMessage response, Func<Stream, Stream> decoder)
    {
        await using var decoded = decoder(await response.Content.ReadAsStreamAsync());
        using var reader = new StreamReader(decoded, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}
