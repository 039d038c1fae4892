using Microsoft.Extensions.DependencyInjection;
using Relational.Content;
using Relational.Tests.Sites;

namespace Relational.Tests.Content;

/// <summary>
/// <c>--check-content</c>: the content loaded as the site loads it, every problem one line with its
/// file and line, no site started; and the running site logging the same problems.
/// </summary>
public sealed class ContentCheckTests : IDisposable
{
    private readonly AuthoringContent _content = new();

    public void Dispose() => _content.Dispose();

    /// <summary>What the check says about the fixture, file names relative to the content folder.</summary>
    private static readonly string[] FixtureProblems =
    [
        "notes: skipped: the folder has no article.md, so it is no article",
        "second-article/01-first-part.md:5: unknown front-matter key 'pauze' (did you mean 'pause'?)",
        "second-article/01-first-part.md:14: the link '/second-article/no-such-part' leads nowhere: the article 'second-article' has no part 'no-such-part'",
        "second-article/01-first-part.md:14: the link 'no-such-part-2' (to /second-article/no-such-part-2) leads nowhere: the article 'second-article' has no part 'no-such-part-2'",
        "second-article/01-first-part.md:16: the link '/no-such-article/a-part' leads nowhere: there is no article 'no-such-article'",
        "second-article/01-first-part.md:18: the image 'missing-diagram.png' is not in {folder}/second-article",
        "second-article/01-first-part.md:20: the image 'diagram.png' has no alt text: say what it shows between the brackets, ![…](diagram.png)",
        "second-article/01-first-part.md:22: the image 'notes.txt' is not a type the site serves (PNG, JPEG, GIF, WebP or SVG)",
    ];

    [Fact]
    public async Task The_check_prints_each_mistake_of_the_fixture_on_its_own_line_with_file_and_line_and_exits_1()
    {
        using var check = Check("--check-content", _content.Root);

        Assert.Equal(1, await check.ExitCodeAsync());
        var lines = check.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(
            [.. FixtureProblems.Select(p => Path.Combine(_content.Root, p.Replace("{folder}", _content.Root, StringComparison.Ordinal))), $"{_content.Root}: 8 problem(s)."],
            lines);
        Assert.DoesNotContain("listening", check.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_check_of_the_repository_content_through_the_setting_finds_nothing_and_exits_0()
    {
        using var check = Check("--check-content");

        Assert.Equal(0, await check.ExitCodeAsync());
        Assert.Equal($"{Paths.Content}: no problems.", check.Output.Trim());
    }

    [Fact]
    public void A_misspelt_required_key_and_a_taken_slug_are_named_with_the_nearest_key_and_both_folders_and_the_check_goes_on()
    {
        _content.Folder.Edit("second-article/02-second-part.md", t => t.Replace("summary:", "sumary:", StringComparison.Ordinal));
        _content.Folder.Write("second-article-copy/article.md", File.ReadAllText(Path.Combine(_content.SecondArticle, "article.md")));
        _content.Folder.Write("second-article-copy/01-only.md", "---\ntitle: Only\nslug: only\nsummary: The only part.\n---\n\nText.\n");

        var problems = ContentLoader.Check(_content.Root).Select(p => p.ToString()).ToList();

        var part = Path.Combine(_content.SecondArticle, "02-second-part.md");
        Assert.Contains($"{part}:4: unknown front-matter key 'sumary' (did you mean 'summary'?)", problems);
        Assert.Contains($"{part}:1: front matter is missing 'summary' (line 4 spells it 'sumary')", problems);
        Assert.Contains($"{_content.Folder.File("second-article-copy/article.md")}:3: slug 'second-article' is taken: {Path.Combine(_content.SecondArticle, "article.md")} uses it too", problems);
        // Past both, the rest of the fixture is still checked.
        Assert.Contains(problems, p => p.Contains("'missing-diagram.png' is not in", StringComparison.Ordinal));
    }

    [Fact]
    public void The_check_refuses_a_slug_that_one_of_the_site_pages_takes_as_start_up_would()
    {
        _content.Folder.Edit("second-article/article.md", t => t.Replace("slug: second-article", "slug: staying-safe", StringComparison.Ordinal));
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = ContentCheck.Run(["--check-content", _content.Root], new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), AppContext.BaseDirectory, output, error);

        Assert.Equal(1, exit);
        Assert.Contains($"{Path.Combine(_content.SecondArticle, "article.md")}:3: slug 'staying-safe' is reserved by the site", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Front_matter_that_is_not_YAML_is_reported_at_its_line()
    {
        _content.Folder.Edit("second-article/02-second-part.md", t => t.Replace("summary:", "  broken: [\nsummary:", StringComparison.Ordinal));

        var problem = Assert.Single(ContentLoader.Check(_content.Root), p => p.File.EndsWith("02-second-part.md", StringComparison.Ordinal));

        Assert.Equal(4, problem.Line);
        Assert.StartsWith("front matter is not valid YAML", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_site_logs_each_problem_as_a_Warning_when_the_content_loads_and_again_when_it_reloads()
    {
        using var site = new SiteFactory().With("Content:Path", _content.Root);
        site.CreateClient();
        var expected = FixtureProblems.Select(p => Path.Combine(_content.Root, p.Replace("{folder}", _content.Root, StringComparison.Ordinal))).ToList();

        var atStart = await WarningsAsync(site.Log, 0, expected.Count);
        Assert.Equal(expected, atStart);
        var mark = site.Log.Length;

        _content.Folder.Write("more-notes/todo.txt", "Another folder with no article.md.");
        _content.Folder.Edit("second-article/02-second-part.md", t => t + "\nAnd [a part that is gone](gone).\n");
        Assert.True(site.Services.GetRequiredService<CatalogueProvider>().Reload());

        var afterReload = await WarningsAsync(site.Log, mark, expected.Count + 2);
        Assert.Contains($"{_content.Folder.File("more-notes")}: skipped: the folder has no article.md, so it is no article", afterReload);
        Assert.Contains($"{Path.Combine(_content.SecondArticle, "02-second-part.md")}:9: the link 'gone' (to /second-article/gone) leads nowhere: the article 'second-article' has no part 'gone'", afterReload);
        Assert.Equal(expected.Count + 2, afterReload.Count);
    }

    /// <summary>The problems in the site's log (JSON lines) from <paramref name="mark"/>, once there are as many as expected (it is written in batches).</summary>
    private static async Task<List<string>> WarningsAsync(CapturedLogStream log, long mark, int expected)
    {
        var found = Warnings(log.TextFrom(mark));
        for (var waited = 0; waited < 10_000 && found.Count < expected; waited += 50)
        {
            await Task.Delay(50);
            found = Warnings(log.TextFrom(mark));
        }

        return found;
    }

    private static List<string> Warnings(string log) =>
    [
        .. log.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement)
            .Where(entry => entry.TryGetProperty("Problem", out _))
            .Select(entry =>
            {
                Assert.Equal("Warning", entry.GetProperty("@l").GetString());
                return entry.GetProperty("Problem").GetString()!;
            }),
    ];

    private static SiteProcess Check(params string[] arguments) => new(
        "dotnet",
        [Path.Combine(AppContext.BaseDirectory, "Relational.Web.dll"), .. arguments],
        AppContext.BaseDirectory,
        databasePath: null,
        [("Content__Path", Paths.Content)]);
}
