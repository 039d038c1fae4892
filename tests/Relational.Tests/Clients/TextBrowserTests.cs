using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Clients;

/// <summary>
/// Debian's lynx, driven by a keystroke script, reading and saving on the live site (and w3m reading): lynx sends a
/// same-origin <c>Referer</c> but neither <c>Origin</c> nor <c>Sec-Fetch-Site</c>.
/// </summary>
public sealed class TextBrowserTests(LiveSite site) : IClassFixture<LiveSite>, IDisposable
{
    private static readonly string Part = Series.PartUrl(5);

    private readonly ScratchFolder _scratch = new("relational-lynx-");

    private string Home => _scratch.Root;

    [Fact]
    public async Task Remember_my_place_works_from_lynx()
    {
        var cookies = Path.Combine(Home, "cookies");
        File.WriteAllText(cookies, "");
        // Find the button by its words, press it, and leave.
        var keys = Path.Combine(Home, "keys");
        File.WriteAllLines(keys, [.. "/device".Select(c => $"key {c}"), "key ^J", "key ^J", "key q", "key y"]);
        // The site is shared by this class's tests, and another one opts a reader in too.
        var readersBefore = Readers();

        var screen = await LynxAsync("-cmd_script=" + keys, "-cookie_file=" + cookies, "-cookie_save_file=" + cookies, new Uri(site.Address, Part).ToString());

        Assert.False(screen.Contains("403", StringComparison.Ordinal) || !screen.Contains("Submitting form", StringComparison.Ordinal), screen);
        Assert.Contains("relational-reader", File.ReadAllText(cookies), StringComparison.Ordinal);
        Assert.Equal(readersBefore + 1, Readers());

        // Lynx, carrying its new cookie, is told the device now remembers its place.
        var page = await LynxAsync("-dump", "-cookie_file=" + cookies, new Uri(site.Address, Part).ToString());
        Assert.Contains("This device remembers your place", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_part_and_the_contents_read_as_separate_words_with_no_dead_buttons()
    {
        // Lines as wide as lynx allows, so that every sentence can be looked for whole; UTF-8, so
        // that a title's curly apostrophe is not written as a straight one.
        var part = await DumpAsync(Series.PartUrl(6));

        Assert.Contains("Pause for a moment, if you like (after part 6)", part, StringComparison.Ordinal);
        Assert.Matches(@"By ITClinic\. A short read, under a minute\.", part);
        Assert.Contains($"Continue to the next part, Part 7: {Series.Parts[6].Title}", part, StringComparison.Ordinal);
        Assert.Contains($"Previous part, Part 5: {Series.Parts[4].Title}", part, StringComparison.Ordinal);
        Assert.Contains($"Link to this part: {new Uri(site.Address, Series.PartUrl(6))}", part, StringComparison.Ordinal);
        // Copy and the share sheet are added by script; lynx ignores `hidden`, so markup buttons would show dead.
        Assert.Equal(["Remember my place on this device"], Buttons(part));

        var cover = await DumpAsync(Series.Url);
        foreach (var (number, title) in Series.Parts.Select((p, i) => (i + 1, p.Title)))
        {
            Assert.Matches($@"(?m)^ *{number}\. Part {number}: {Regex.Escape(title)}, under a minute$", cover);
        }

        // An offline copy needs scripts: the cover says so once, with no keep or remove button and
        // no word of whether a copy is kept (statements that contradicted each other here).
        Assert.Contains("Keeping an offline copy needs JavaScript", cover, StringComparison.Ordinal);
        Assert.DoesNotContain("offline copy is kept", cover, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("kept on this device for offline reading", cover, StringComparison.Ordinal);
        Assert.DoesNotContain("can’t keep an offline copy", cover, StringComparison.Ordinal);
        Assert.Equal(["Remember my place on this device"], Buttons(cover));
    }

    [Fact]
    public async Task The_skip_link_the_exit_and_the_site_name_stand_on_lines_of_their_own()
    {
        foreach (var (browser, dump) in new[] { ("lynx", await DumpAsync(Series.PartUrl(2))), ("w3m", await W3mAsync(Series.PartUrl(2))) })
        {
            // Lynx first lists the head's titled links (the feed) on a line that starts with "#".
            var lines = dump.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Take(3);
            Assert.True(lines.SequenceEqual(["Skip to main content", "Exit this page", "Relational"]), $"{browser}:\n{dump}");
        }
    }

    [Fact]
    public async Task A_part_s_length_and_state_read_as_separate_words()
    {
        using var client = TestReader.SharedClient(site.Address);
        var reader = new TestReader(client);
        (await reader.OptInAsync(TestReader.Article.Parts[2])).Dispose();
        var cookie = $"Cookie: {Relational.Progress.ReaderCookie.Name}={Uri.EscapeDataString(reader.Cookie!)}";

        var cover = await W3mAsync(Series.Url, "-header", cookie);

        Assert.Matches($@"(?m)^ *3\. Part 3: {Regex.Escape(Series.Parts[2].Title)}, under a minute, ◐ Started$", cover);
        Assert.DoesNotContain("minute◐", cover, StringComparison.Ordinal);
    }

    /// <summary>A neutral address leads only to neutral ones: no link on it names the series or a part.</summary>
    [Fact]
    public async Task A_discreet_pages_links_in_lynx_name_nothing_read()
    {
        var article = Relational.Content.ContentLoader.Load(Paths.Content).FindArticle(Series.Slug)!;
        foreach (var path in new[]
        {
            Relational.Safety.DiscreetMode.AddressOf(article, article.Parts[2]),
            Relational.Safety.DiscreetMode.CoverAddressOf(article),
            Relational.Safety.DiscreetMode.AllAddressOf(article),
        })
        {
            var links = await LynxAsync("-dump", "-listonly", "-nonumbers", new Uri(site.Address, path).ToString());

            Assert.Contains(new Uri(site.Address, "/read/").ToString(), links, StringComparison.Ordinal);
            Assert.DoesNotContain(Series.Slug, links, StringComparison.Ordinal);
            Assert.All(Series.Parts, part => Assert.DoesNotContain(part.Slug, links, StringComparison.Ordinal));
            Assert.Contains(new Uri(site.Address, "/progress?discreet=1").ToString(), links, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _scratch.Dispose();

    private Task<string> W3mAsync(string path, params string[] arguments) =>
        ClientTool.RunAsync("w3m", ["-dump", "-cols", "1024", "-O", "UTF-8", .. arguments, new Uri(site.Address, path).ToString()], Home,
            new Dictionary<string, string> { ["HOME"] = Home, ["TERM"] = "vt100" });

    private Task<string> DumpAsync(string path) =>
        LynxAsync("-dump", "-nolist", "-nonumbers", "-width=1024", "-display_charset=utf-8", new Uri(site.Address, path).ToString());

    /// <summary>What each button in a dump says: lynx writes a button as "(BUTTON) its words".</summary>
    private static string[] Buttons(string dump) =>
        [.. Regex.Matches(dump, @"\(BUTTON\) (.+?)(?= \(BUTTON\)|$)", RegexOptions.Multiline).Select(m => m.Groups[1].Value.Trim())];

    private Task<string> LynxAsync(params string[] arguments)
    {
        var config = Path.Combine(Home, "lynx.cfg");
        File.WriteAllLines(config, ["ACCEPT_ALL_COOKIES:TRUE", "PERSISTENT_COOKIES:TRUE", "SET_COOKIES:TRUE"]);
        return ClientTool.RunAsync("lynx", ["-cfg=" + config, "-term=vt100", .. arguments], Home,
            new Dictionary<string, string> { ["HOME"] = Home, ["TERM"] = "vt100" });
    }

    private long Readers()
    {
        // The site makes its database only when someone first opts in.
        if (!File.Exists(site.DatabasePath))
        {
            return 0;
        }

        using var connection = new SqliteConnection($"Data Source={site.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM readers";
        return (long)command.ExecuteScalar()!;
    }
}
