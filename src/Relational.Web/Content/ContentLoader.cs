using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Relational.Content;

/// <summary>
/// Reads the content folder: one sub-folder per article holding <c>article.md</c> and its parts
/// <c>01-….md</c>, <c>02-….md</c>, …. Everything is validated before anything is returned.
/// </summary>
public static partial class ContentLoader
{
    public const string ArticleFile = "article.md";

    // No time-out: a hyphen cannot be matched by a letter or digit, so the match never backtracks
    // and is linear in at most 80 characters. A wall-clock time-out only fires on a starved
    // machine, where in the route constraint it would make an ordinary address a 500.
    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();

    /// <summary>Lowercase words joined by hyphens, at most 80 characters: the shape of every URL slug.</summary>
    public static bool IsSlug(string text) => text.Length is > 0 and <= 80 && SlugPattern().IsMatch(text);

    [GeneratedRegex(@"^(\d{2})-.+\.md$", RegexOptions.CultureInvariant)]
    private static partial Regex PartFilePattern();

    [GeneratedRegex(@"\S+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    /// <summary>
    /// Loads and validates the folder. With <paramref name="taken"/>, a slug that one of the site's own
    /// addresses takes is refused too, naming its file.
    /// </summary>
    public static ContentCatalogue Load(string contentPath, TakenSlugs? taken = null)
    {
        var reserved = taken ?? TakenSlugs.None;
        if (!Directory.Exists(contentPath))
        {
            throw new ContentException(contentPath, "content folder not found");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var articles = Directory.EnumerateDirectories(contentPath)
            .Where(dir => File.Exists(Path.Combine(dir, ArticleFile)))
            .Order(StringComparer.Ordinal)
            .Select(dir => LoadArticle(dir, hash, reserved))
            .ToImmutableArray();

        if (articles.IsEmpty)
        {
            throw new ContentException(contentPath, $"no article folders (a folder with an {ArticleFile}) were found");
        }

        var duplicate = articles.GroupBy(a => a.Slug).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ContentException(contentPath, $"two articles share the slug '{duplicate.Key}'");
        }

        var version = Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
        return new ContentCatalogue(articles, version);
    }

    private static Article LoadArticle(string folder, IncrementalHash hash, TakenSlugs taken)
    {
        var articleFile = Path.Combine(folder, ArticleFile);
        var article = Read(articleFile, hash);
        var fields = new Fields(articleFile, article.FrontMatter);
        var slug = fields.Slug(taken.ForArticles);

        var partFiles = Directory.EnumerateFiles(folder, "*.md")
            .Where(f => Path.GetFileName(f) != ArticleFile)
            .Order(StringComparer.Ordinal)
            .ToList();

        var sections = ImmutableArray.CreateBuilder<Section>(partFiles.Count);
        var slugs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in partFiles)
        {
            var match = PartFilePattern().Match(Path.GetFileName(file));
            var expected = sections.Count + 1;
            if (!match.Success || int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) != expected)
            {
                throw new ContentException(file, $"expected a part file named {expected:00}-<slug>.md here");
            }

            var section = LoadSection(file, expected, hash, taken);
            if (!slugs.Add(section.Slug))
            {
                throw new ContentException(file, $"another part already uses the slug '{section.Slug}'");
            }

            sections.Add(section);
        }

        if (sections.Count == 0)
        {
            throw new ContentException(folder, "an article needs at least one part file (01-<slug>.md)");
        }

        if (fields.Optional("parts") is { } declared
            && (!int.TryParse(declared, CultureInfo.InvariantCulture, out var parts) || parts != sections.Count))
        {
            throw new ContentException(articleFile, $"declares parts: {declared} but the folder has {sections.Count} part files");
        }

        return new Article(
            slug,
            fields.Required("title"),
            fields.Required("author"),
            fields.Required("attribution"),
            fields.Required("description"),
            article.Html,
            sections.MoveToImmutable())
        {
            Updated = fields.Date("updated"),
        };
    }

    private static Section LoadSection(string file, int number, IncrementalHash hash, TakenSlugs taken)
    {
        var rendered = Read(file, hash);
        var fields = new Fields(file, rendered.FrontMatter);
        var text = rendered.PlainText.Trim();
        if (text.Length == 0)
        {
            throw new ContentException(file, "the part has no text");
        }

        return new Section(
            number,
            fields.Slug(taken.ForParts),
            fields.Required("title"),
            fields.Required("summary"),
            fields.Optional("pause"),
            rendered.Html,
            Excerpt(text),
            Word().Count(text))
        {
            Updated = fields.Date("updated"),
            Written = File.GetLastWriteTimeUtc(file),
        };
    }

    private static RenderedMarkdown Read(string file, IncrementalHash hash)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (IOException e)
        {
            throw new ContentException(file, $"could not be read: {e.Message}");
        }

        hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(Path.GetDirectoryName(file)) + "/" + Path.GetFileName(file)));
        hash.AppendData(bytes);
        return MarkdownRenderer.Render(file, Encoding.UTF8.GetString(bytes));
    }

    /// <summary>The first lines of a part, up to about a tweet's length, cut at a word.</summary>
    private static string Excerpt(string text)
    {
        var flat = string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        const int limit = 160;
        if (flat.Length <= limit)
        {
            return flat;
        }

        var cut = flat.LastIndexOf(' ', limit);
        return string.Concat(flat.AsSpan(0, cut > 0 ? cut : limit), "…");
    }

    private sealed class Fields(string file, IReadOnlyDictionary<string, string> values)
    {
        public string Required(string name) =>
            Optional(name) ?? throw new ContentException(file, $"front matter is missing '{name}'");

        public string? Optional(string name) =>
            values.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        /// <summary>
        /// A date written yyyy-MM-dd. Dates come from the content, not from file times, which differ
        /// between clones and checkouts of the same text.
        /// </summary>
        public DateOnly? Date(string name)
        {
            if (Optional(name) is not { } text)
            {
                return null;
            }

            return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? date
                : throw new ContentException(file, $"'{name}: {text}' must be a date written yyyy-MM-dd");
        }

        public string Slug(FrozenSet<string> taken)
        {
            var slug = Required("slug");
            if (!IsSlug(slug))
            {
                throw new ContentException(file, $"slug '{slug}' must be lowercase words joined by hyphens (at most 80 characters)");
            }

            if (taken.Contains(slug))
            {
                throw new ContentException(file, $"slug '{slug}' is reserved by the site (it has an address of its own there)");
            }

            return slug;
        }
    }
}
