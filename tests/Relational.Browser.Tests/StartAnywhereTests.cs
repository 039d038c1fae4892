using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;
using Relational.Tests.Sites;

namespace Relational.Browser.Tests;

/// <summary>
/// Wherever and however the site is started, a reader gets the whole stylesheet and scripts (so the
/// quick exit works), and a site that cannot serve them refuses to start instead.
/// </summary>
public sealed partial class StartAnywhereTests(StartedSites sites) : IClassFixture<StartedSites>
{
    public static TheoryData<string> Starts => [StartedSites.Published, StartedSites.RunFromSource];

    [Theory]
    [MemberData(nameof(Starts))]
    public async Task The_stylesheet_applies_the_scripts_run_and_shift_three_times_leaves(string start)
    {
        await using var context = await sites.Browser.NewContextAsync(new() { BaseURL = sites.Address(start).ToString() });
        var page = await context.NewPageAsync();

        // prefs.js (in <head>) gives a page opened from a discreet link the neutral title.
        await page.GotoAsync(Site.Part(2) + "?discreet=1");
        Assert.Equal("Reading", await page.TitleAsync());
        Assert.NotEqual("", await page.EvaluateAsync<string>("getComputedStyle(document.documentElement).getPropertyValue('--bg').trim()"));
        var historyBefore = await page.EvaluateAsync<int>("history.length");

        await page.Keyboard.PressAsync("Shift");
        await page.Keyboard.PressAsync("Shift");
        await page.Keyboard.PressAsync("Shift");

        await Assertions.Expect(page).ToHaveURLAsync(sites.ExitUrl, new() { Timeout = 15_000 });
        Assert.Equal(historyBefore, await page.EvaluateAsync<int>("history.length"));
    }

    [Theory]
    [MemberData(nameof(Starts))]
    public async Task Every_file_any_page_links_to_comes_back_whole_and_typed_in_gzip_brotli_and_plain(string start)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, UseCookies = false })
        {
            BaseAddress = sites.Address(start),
        };
        var linked = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var page in Site.AllPages())
        {
            // The 404 page links to the same files as the others.
            using var response = await client.GetAsync(page);
            var html = await response.Content.ReadAsStringAsync();
            linked.UnionWith(LinkedFile().Matches(html).Select(m => m.Groups["path"].Value));
        }

        Assert.Contains(linked, path => path.EndsWith(".css", StringComparison.Ordinal));
        // The quick exit lives in site.js and discreet mode in prefs.js: both must be among the files checked.
        Assert.Contains(linked, path => path.StartsWith("/js/site.", StringComparison.Ordinal) && path.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains(linked, path => path.StartsWith("/js/prefs.", StringComparison.Ordinal) && path.EndsWith(".js", StringComparison.Ordinal));
        foreach (var path in linked)
        {
            var source = await File.ReadAllBytesAsync(SourceFile(path));
            foreach (var encoding in new[] { "gzip", "br", "identity" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.TryAddWithoutValidation("Accept-Encoding", encoding);
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsByteArrayAsync();
                var what = $"{path} asked for in {encoding}";

                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: {(int)response.StatusCode}");
                Assert.Equal(ContentType(path), response.Content.Headers.ContentType?.MediaType);
                var sent = response.Content.Headers.ContentEncoding.SingleOrDefault() ?? "identity";
                // The published build holds a gzip and a Brotli copy of every file. Run from source, a file
                // the build compressed only with gzip may come plain to a Brotli-only client: still whole.
                Assert.True(sent == encoding || (start == StartedSites.RunFromSource && sent == "identity"), $"{what}: sent as {sent}");
                Assert.True(source.AsSpan().SequenceEqual(Decode(body, sent)), $"{what}: {body.Length} bytes that are not the file");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Starts))]
    public async Task No_framework_file_is_served(string start)
    {
        using var client = new HttpClient { BaseAddress = sites.Address(start) };

        foreach (var path in new[] { "/_framework/blazor.web.js", "/_framework/blazor.server.js" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.False(Directory.Exists(Path.Combine(sites.PublishFolder, "wwwroot", "_framework")));
    }

    [Fact]
    public async Task A_published_build_missing_a_file_its_pages_link_to_refuses_to_start_and_names_it()
    {
        var app = sites.CopyOfPublished();
        File.Delete(Path.Combine(app, "wwwroot", "js", "site.js.br"));

        var output = await RefusalAsync(app);

        Assert.Contains("js/site.js.br", output, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(app, "wwwroot"), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_content_folder_stops_the_site_naming_every_folder_searched_and_the_setting()
    {
        var app = sites.CopyOfPublished();

        var output = await RefusalAsync(app, ("Content__Path", "no-such-content"));

        var searched = new List<string>();
        for (var dir = new DirectoryInfo(app); dir is not null; dir = dir.Parent)
        {
            searched.Add(Path.Combine(dir.FullName, "no-such-content"));
        }

        Assert.Contains(string.Join(", ", searched), output, StringComparison.Ordinal);
        Assert.Contains("Content:Path", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_content_folder_stops_the_site_naming_the_file_and_the_setting()
    {
        var app = sites.CopyOfPublished();
        var part = Path.Combine(app, "content", Relational.Tests.Series.PartFile(4));
        await File.WriteAllTextAsync(part, (await File.ReadAllTextAsync(part)).Replace("title:", "titel:", StringComparison.Ordinal));

        var output = await RefusalAsync(app);

        Assert.Contains(part, output, StringComparison.Ordinal);
        Assert.Contains("Content:Path", output, StringComparison.Ordinal);
    }

    /// <summary>Starts the copy from <c>/</c>; it must exit 1 having said one sentence and no stack trace.</summary>
    private static async Task<string> RefusalAsync(string app, params (string Key, string Value)[] settings)
    {
        try
        {
            using var site = new SiteProcess("dotnet", [Path.Combine(app, "Relational.Web.dll")], "/", Path.Combine(app, "data", "progress.db"), settings);

            Assert.Equal(1, await site.ExitCodeAsync());
            var lines = site.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(line => !line.StartsWith('{')).ToList();
            Assert.True(lines.Count == 1, "expected one sentence, got: " + site.Output);
            Assert.StartsWith("Relational cannot start: ", lines[0], StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", site.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", site.Output, StringComparison.Ordinal);
            return lines[0];
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(app)!, recursive: true);
        }
    }

    private static byte[] Decode(byte[] body, string encoding)
    {
        using Stream decoded = encoding switch
        {
            "gzip" => new GZipStream(new MemoryStream(body), CompressionMode.Decompress),
            "br" => new BrotliStream(new MemoryStream(body), CompressionMode.Decompress),
            _ => new MemoryStream(body),
        };
        using var result = new MemoryStream();
        decoded.CopyTo(result);
        return result.ToArray();
    }

    /// <summary>The repository's file behind a fingerprinted address (/css/site.abc123xyz0.css is wwwroot/css/site.css).</summary>
    private static string SourceFile(string path) =>
        Path.Combine(Repository.Root, "src", "Relational.Web", "wwwroot", Fingerprint().Replace(path, ".").TrimStart('/'));

    private static string ContentType(string path) => Path.GetExtension(path) switch
    {
        ".css" => "text/css",
        ".js" => "text/javascript",
        ".svg" => "image/svg+xml",
        var other => throw new InvalidOperationException("no expected type for " + other),
    };

    [GeneratedRegex("""(?:href|src)="(?<path>/[^"?#]+\.(?:css|js|svg))""")]
    private static partial Regex LinkedFile();

    [GeneratedRegex(@"\.[a-z0-9]{10}\.")]
    private static partial Regex Fingerprint();
}
