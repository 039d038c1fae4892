using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Relational.Content;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Content;

/// <summary>
/// Images beside an article's Markdown, on real Kestrel: shown with their alt text and size, served
/// from the article's address and kept for a year under a name of their bytes, in the offline copy
/// and on the whole-article page; and nothing else on disk reachable through that address.
/// </summary>
public sealed class ArticleImagesTests : IDisposable
{
    private readonly AuthoringContent _content = new();
    private readonly LiveSite _site = new();

    public ArticleImagesTests() => _site.With("Content:Path", _content.Root);

    public void Dispose()
    {
        _site.Dispose();
        _content.Dispose();
    }

    private string DiagramHash => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(_content.SecondArticle, "diagram.png"))))[..16];

    [Fact]
    public async Task A_part_shows_its_image_with_alt_text_and_size_and_its_address_is_kept_for_a_year_and_revalidated_by_ETag()
    {
        using var client = _site.CreateLiveClient();
        var page = await client.GetDocumentAsync("/second-article/first-part");

        var images = page.QuerySelectorAll(".prose img[src^='/second-article/diagram.png']");
        Assert.Equal(2, images.Length);
        var first = images[0];
        Assert.Equal("A small diagram in two colours", first.GetAttribute("alt"));
        Assert.Equal($"/second-article/diagram.png?v={DiagramHash}", first.GetAttribute("src"));
        Assert.Equal(("40", "30"), (first.GetAttribute("width"), first.GetAttribute("height")));
        // Near the top it loads with the page; far below, only as the reader nears it.
        Assert.Null(first.GetAttribute("loading"));
        Assert.Equal("lazy", images[1].GetAttribute("loading"));

        using var image = await client.GetAsync(first.GetAttribute("src"));
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", image.Headers.CacheControl!.ToString());
        Assert.Equal($"\"{DiagramHash}\"", image.Headers.ETag!.Tag);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_content.SecondArticle, "diagram.png")), await image.Content.ReadAsByteArrayAsync());
        // The site's own headers still go with it: the policy's img-src 'self' is what lets it show.
        Assert.Contains("img-src 'self'", image.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", image.Headers.GetValues("X-Content-Type-Options").Single());

        using var again = new HttpRequestMessage(HttpMethod.Get, first.GetAttribute("src"));
        again.Headers.IfNoneMatch.Add(image.Headers.ETag);
        using var notModified = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        // Without the version, it is the same image, asked again each time.
        using var unversioned = await client.GetAsync("/second-article/diagram.png");
        Assert.Equal(HttpStatusCode.OK, unversioned.StatusCode);
        Assert.Equal("no-cache", unversioned.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task A_changed_image_is_a_new_version_of_the_content_at_a_new_address()
    {
        using var client = _site.CreateLiveClient();
        var provider = _site.Services.GetRequiredService<CatalogueProvider>();
        var before = provider.Current.Version;
        var oldAddress = $"/second-article/diagram.png?v={DiagramHash}";

        using (var bitmap = new SkiaSharp.SKBitmap(64, 48))
        {
            using var png = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(_content.SecondArticle, "diagram.png"), png.ToArray());
        }

        Assert.True(provider.Reload());

        Assert.NotEqual(before, provider.Current.Version);
        var first = (await client.GetDocumentAsync("/second-article/first-part")).QuerySelector(".prose img[alt='A small diagram in two colours']")!;
        Assert.Equal(($"/second-article/diagram.png?v={DiagramHash}", "64", "48"), (first.GetAttribute("src"), first.GetAttribute("width"), first.GetAttribute("height")));
        Assert.NotEqual(oldAddress, first.GetAttribute("src"));
        // The old address is no longer the version it names: it is not kept for a year.
        using var old = await client.GetAsync(oldAddress);
        Assert.Equal("no-cache", old.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task The_cover_shows_an_SVG_at_its_viewBox_size_from_the_article_address_and_the_SVG_alone_may_run_nothing()
    {
        using var client = _site.CreateLiveClient();
        var cover = await client.GetDocumentAsync("/second-article");

        var svg = cover.QuerySelector(".cover__intro img")!;
        Assert.StartsWith("/second-article/circles.svg?v=", svg.GetAttribute("src"), StringComparison.Ordinal);
        Assert.Equal(("Two overlapping circles", "120", "60"), (svg.GetAttribute("alt"), svg.GetAttribute("width"), svg.GetAttribute("height")));

        using var response = await client.GetAsync(svg.GetAttribute("src"));
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("default-src 'none'; style-src 'unsafe-inline'; sandbox", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task The_whole_article_page_and_the_offline_copy_hold_the_images()
    {
        using var client = _site.CreateLiveClient();

        var all = await client.GetDocumentAsync("/second-article/all");
        Assert.Contains(all.QuerySelectorAll(".whole__part img"), img => img.GetAttribute("src") == $"/second-article/diagram.png?v={DiagramHash}");

        using var files = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/offline/files"));
        var media = files.RootElement.GetProperty("media").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains($"/second-article/diagram.png?v={DiagramHash}", media);
        Assert.Contains(media, m => m!.StartsWith("/second-article/circles.svg?v=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/second-article/notes.txt")]
    [InlineData("/second-article/article.md")]
    [InlineData("/second-article/01-first-part.md")]
    [InlineData("/second-article/missing-diagram.png")]
    [InlineData(Series.Url + "/diagram.png")]
    [InlineData("/second-article/../second-article/article.md")]
    [InlineData("/second-article/..%2f..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("/second-article/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/second-article/%2e%2e%2f01-first-part.md")]
    [InlineData("/second-article/%2Fetc%2Fpasswd")]
    [InlineData("/second-article//etc/passwd")]
    [InlineData("/second-article/C:%5Cwindows%5Cwin.ini")]
    [InlineData("/second-article/outside.png")]
    [InlineData("/linked-article/diagram.png")]
    public async Task Nothing_but_the_images_of_the_content_folder_is_reached_through_an_article_address(string target)
    {
        // A valid image outside the content folder, reachable on disk through symbolic links.
        using var scratch = new ScratchFolder("relational-outside-");
        var outside = scratch.Root;
        File.Copy(Path.Combine(_content.SecondArticle, "diagram.png"), Path.Combine(outside, "outside.png"));
        File.CreateSymbolicLink(Path.Combine(_content.SecondArticle, "outside.png"), Path.Combine(outside, "outside.png"));
        var linked = Path.Combine(outside, "linked-article");
        Directory.CreateDirectory(linked);
        File.WriteAllText(Path.Combine(linked, "article.md"), "---\ntitle: Linked\nslug: linked-article\nauthor: A\nattribution: B\ndescription: C\n---\n\nIntro.\n");
        File.WriteAllText(Path.Combine(linked, "01-only.md"), "---\ntitle: Only\nslug: only\nsummary: S\n---\n\nText.\n");
        File.Copy(Path.Combine(_content.SecondArticle, "diagram.png"), Path.Combine(linked, "diagram.png"));
        Directory.CreateSymbolicLink(_content.Folder.File("linked-article"), linked);

        var response = await _site.SendRawAsync($"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{_site.Port}\r\nConnection: close\r\n\r\n");

        Assert.Equal(404, response.Status);
        Assert.DoesNotContain("PNG", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("summary:", response.Body, StringComparison.Ordinal);
        var problems = ContentLoader.Check(_content.Root).Select(p => p.ToString()).ToList();
        Assert.Contains($"{Path.Combine(_content.SecondArticle, "outside.png")}: is a symbolic link, so it is not served; put the image itself beside the Markdown", problems);
    }
}
