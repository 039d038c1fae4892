using Relational.Content;

namespace Relational.Tests.Content;

public sealed class ContentLoaderTests
{
    private const string Article = Series.Slug;

    [Fact]
    public void The_real_content_loads_as_one_article_of_ten_parts_in_order()
    {
        var catalogue = ContentLoader.Load(Paths.Content);

        var article = Assert.Single(catalogue.Articles);
        Assert.Equal(Article, article.Slug);
        Assert.Equal(Series.Title, article.Title);
        Assert.Equal("Create the Whole Human.", article.Attribution);
        Assert.Equal("ITClinic", article.Author);
        Assert.Equal(10, article.Parts.Length);
        Assert.Equal(Series.Parts.Select(p => p.Slug), article.Parts.Select(s => s.Slug));
        Assert.Equal(Series.Parts.Select(p => p.Title), article.Parts.Select(s => s.Title));
        Assert.Equal(Enumerable.Range(1, 10), article.Parts.Select(s => s.Number));
    }

    [Fact]
    public void Every_part_but_the_last_has_its_own_invitational_pause_prompt()
    {
        var article = ContentLoader.Load(Paths.Content).Articles[0];

        foreach (var part in article.Parts.SkipLast(1))
        {
            Assert.False(string.IsNullOrWhiteSpace(part.PausePrompt), $"part {part.Number} has no pause prompt");
            Assert.Matches("^(If |You might )", part.PausePrompt!);
        }
    }

    [Fact]
    public void Raw_html_in_content_is_shown_as_text_not_run()
    {
        using var folder = new ContentFolder();
        folder.Edit($"{Article}/01-before-we-begin.md", text => text + "\n<script>alert(1)</script>\n\n<b>bold</b>\n");

        var html = ContentLoader.Load(folder.Root).Articles[0].Parts[0].Html;

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_version_changes_exactly_when_a_file_changes()
    {
        using var folder = new ContentFolder();
        var before = ContentLoader.Load(folder.Root).Version;
        Assert.Equal(before, ContentLoader.Load(folder.Root).Version);

        folder.Edit($"{Article}/02-trauma-was-formed-in-relationship.md", text => text + "\nOne more line.\n");

        Assert.NotEqual(before, ContentLoader.Load(folder.Root).Version);
    }

    [Fact]
    public void A_second_article_folder_is_picked_up_without_code()
    {
        using var folder = new ContentFolder();
        folder.Write("a-second-article/article.md", "---\ntitle: A Second Article\nslug: a-second-article\nauthor: ITClinic\nattribution: Create the Whole Human.\ndescription: Another one.\n---\n\nIntro.\n");
        folder.Write("a-second-article/01-only-part.md", "---\ntitle: Only Part\nslug: only-part\nsummary: The one part.\n---\n\nSome text.\n");

        var catalogue = ContentLoader.Load(folder.Root);

        Assert.Equal(2, catalogue.Articles.Length);
        var second = catalogue.FindArticle("a-second-article");
        Assert.NotNull(second);
        Assert.Equal("only-part", Assert.Single(second.Parts).Slug);
    }

    public static TheoryData<string, string, string> BrokenContent => new()
    {
        { "02-trauma-was-formed-in-relationship.md", "title: \"Trauma Was Formed in Relationship\"\n", "" },
        { "03-why-self-work-alone-often-isnt-enough.md", "slug: why-self-work-alone-often-isnt-enough", "slug: trauma-was-formed-in-relationship" },
        { "04-healing-requires-a-different-relational-experience.md", "slug: healing-requires-a-different-relational-experience", "slug: Not A Slug" },
        { "05-why-therapy-can-feel-so-vulnerable.md", "title: \"Why Therapy Can Feel So Vulnerable\"", "title: [unclosed" },
        { "06-safety-is-built-not-assumed.md", "---\ntitle", "title" },
        { "08-you-were-never-meant-to-do-this-alone.md", "updated: 2026-11-26", "updated: 26/11/2026" },
    };

    [Theory]
    [MemberData(nameof(BrokenContent))]
    public void A_broken_part_file_is_refused_with_its_name(string file, string find, string replace)
    {
        using var folder = new ContentFolder();
        folder.Edit($"{Article}/{file}", text => text.Replace(find, replace, StringComparison.Ordinal));

        var error = Assert.Throws<ContentException>(() => ContentLoader.Load(folder.Root));

        Assert.EndsWith(file, error.File, StringComparison.Ordinal);
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gap_in_the_numbering_is_refused()
    {
        using var folder = new ContentFolder();
        File.Delete(folder.File($"{Article}/05-why-therapy-can-feel-so-vulnerable.md"));

        var error = Assert.Throws<ContentException>(() => ContentLoader.Load(folder.Root));

        Assert.Contains("06-safety-is-built-not-assumed.md", error.File, StringComparison.Ordinal);
        Assert.Contains("expected a part file named 05-", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_article_declaring_ten_parts_with_nine_files_is_refused()
    {
        using var folder = new ContentFolder();
        File.Delete(folder.File($"{Article}/10-a-gentle-invitation.md"));

        var error = Assert.Throws<ContentException>(() => ContentLoader.Load(folder.Root));

        Assert.EndsWith("article.md", error.File, StringComparison.Ordinal);
        Assert.Contains("parts: 10", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_content_folder_is_named()
    {
        var missing = Path.Combine(Path.GetTempPath(), "relational-no-such-folder-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<ContentException>(() => ContentLoader.Load(missing));

        Assert.Equal(missing, error.File);
    }
}
