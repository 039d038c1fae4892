using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Relational.Performance;
using Relational.Tests.Progress;

namespace Relational.Tests.Performance;

/// <summary>
/// Pages rendered for one request (a reader who opted in, a made-up query string) are compressed
/// once per distinct page: readers in the same place share the compressed bytes, and a reader in
/// another place is never sent them.
/// </summary>
public sealed class CompressedPagesTests
{
    private const string Part6 = "/healing-trauma-in-relationship/safety-is-built-not-assumed";
    private const string FinishButton = "I’ve finished this part";

    [Fact]
    public async Task Readers_in_the_same_place_share_compressed_bytes_and_a_reader_elsewhere_gets_their_own()
    {
        using var factory = new SiteFactory();
        using var first = factory.CreateClient();
        using var second = factory.CreateClient();
        using var finished = factory.CreateClient();
        foreach (var reader in new[] { first, second, finished })
        {
            using var optIn = await reader.PostFormAsync("/progress/remember", Forms.Place());
            Assert.Equal(HttpStatusCode.OK, optIn.StatusCode);
        }

        using var done = await finished.PostFormAsync("/progress/finished", Forms.Place("safety-is-built-not-assumed"));
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var pages = factory.Services.GetRequiredService<CompressedPages>();

        var firstBytes = await GzipAsync(first, Part6);
        var secondBytes = await GzipAsync(second, Part6);
        var finishedBytes = await GzipAsync(finished, Part6);

        Assert.Equal(firstBytes, secondBytes);
        Assert.NotEqual(firstBytes, finishedBytes);
        Assert.Contains(FinishButton, Gunzip(firstBytes));
        Assert.DoesNotContain(FinishButton, Gunzip(finishedBytes));
        Assert.Contains("Relational safety does not arrive all at once.", Gunzip(finishedBytes));
        Assert.Equal(2, pages.Count);
    }

    [Fact]
    public async Task A_made_up_query_string_gets_the_page_compressed_like_the_page_without_it()
    {
        using var factory = new SiteFactory();
        using var client = factory.CreateClient();

        var plain = await GzipAsync(client, Part6 + "?utm_source=somewhere");
        var again = await GzipAsync(client, Part6 + "?another=1");

        Assert.Equal(plain, again);
        Assert.Contains("Relational safety does not arrive all at once.", Gunzip(plain));
        Assert.Equal(1, factory.Services.GetRequiredService<CompressedPages>().Count);
    }

    private static async Task<byte[]> GzipAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static string Gunzip(byte[] body)
    {
        using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
