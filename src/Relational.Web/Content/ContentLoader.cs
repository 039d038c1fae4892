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

    /// <summary>The front-matter keys of <c>article.md</c>.</summary>
    public static readonly IReadOnlyList<string> ArticleKeys = ["title", "slug", "author", "attribution", "description", "parts", "updated"];

    /// <summary>The front-matter keys of a part file.</summary>
    public static readonly IReadOnlyList<string> PartKeys = ["title", "slug", "summary", "pause", "updated"];

    /// <summary>
    /// Loads and validates the folder. With <paramref name="taken"/>, a slug that one of the site's own
    /// addresses takes is refused too, naming its file. What stops content being served throws a
    /// <see cref="ContentException"/>; what an author should mend but a reader can live with (a
    /// broken link, a missing image, a skipped folder) is in the catalogue's <see cref="ContentCatalogue.Problems"/>.
    /// </summary>
    public static ContentCatalogue Load(string contentPath, TakenSlugs? taken = null) =>
        new Loading(contentPath, taken ?? TakenSlugs.None, keepGoing: false).Catalogue();

    /// <summary>
    /// Every problem in the folder, those that would stop the site as well as the rest: a broken
    /// article or part is reported and the loading goes on past it.
    /// </summary>
    public static IReadOnlyList<ContentProblem> Check(string contentPath, TakenSlugs? taken = null)
    {
        var loading = new Loading(contentPath, taken ?? TakenSlugs.None, keepGoing: true);
        try
        {
            return loading.Catalogue().Problems;
        }
        catch (ContentException e)
        {
            return Sorted([.. loading.Problems, e.ToProblem()]);
        }
    }

    /// <summary>In the order an author reads them: by file, then line.</summary>
    private static ImmutableArray<ContentProblem> Sorted(IEnumerable<ContentProblem> problems) =>
        [.. problems.OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line)];

    /// <summary>One load of the folder: the version hash, the problems and the links found on the way.</summary>
    private sealed class Loading(string contentPath, TakenSlugs taken, bool keepGoing)
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly List<ContentLink> _links = [];

        public List<ContentProblem> Problems { get; } = [];

        public ContentCatalogue Catalogue()
        {
            using var hash = _hash;
            if (!Directory.Exists(contentPath))
            {
                throw new ContentException(contentPath, "content folder not found");
            }

            var articles = new List<Article>();
            var folders = new Dictionary<string, string>(StringComparer.Ordinal);
            var anyArticleFolder = false;
            foreach (var dir in Directory.EnumerateDirectories(contentPath).Order(StringComparer.Ordinal))
            {
                // .git and the like are no one's article.
                if (Path.GetFileName(dir).StartsWith('.'))
                {
                    continue;
                }

                var articleFile = Path.Combine(dir, ArticleFile);
                if (!File.Exists(articleFile))
                {
                    Problems.Add(new(dir, 0, $"skipped: the folder has no {ArticleFile}, so it is no article"));
                    continue;
                }

                anyArticleFolder = true;
                if (Attempt(() => LoadArticle(dir)) is not { } article)
                {
                    continue;
                }

                if (folders.TryGetValue(article.Slug, out var first))
                {
                    Fail(new ContentException(articleFile, $"slug '{article.Slug}' is taken: {first} uses it too", article.SlugLine));
                    continue;
                }

                folders[article.Slug] = articleFile;
                articles.Add(article);
            }

            if (!anyArticleFolder)
            {
                throw new ContentException(contentPath, $"no article folders (a folder with an {ArticleFile}) were found");
            }

            var version = Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
            var catalogue = new ContentCatalogue([.. articles], version);
            ContentLinks.Check(_links, catalogue, taken, Problems);
            return new ContentCatalogue(catalogue.Articles, version) { Problems = Sorted(Problems) };
        }

        /// <summary>Runs one step; when checking, a broken file is reported and the rest goes on.</summary>
        private T? Attempt<T>(Func<T> step)
            where T : class
        {
            try
            {
                return step();
            }
            catch (ContentException e) when (keepGoing)
            {
                Problems.Add(e.ToProblem());
                return null;
            }
        }

        private void Fail(ContentException problem)
        {
            if (!keepGoing)
            {
                throw problem;
            }

            Problems.Add(problem.ToProblem());
        }

        private Article LoadArticle(string folder)
        {
            var articleFile = Path.Combine(folder, ArticleFile);
            var article = Read(articleFile);
            var fields = new Fields(articleFile, article, ArticleKeys, Problems);
            var slug = fields.Slug(taken.ForArticles);
            var media = LoadMedia(folder);
            var links = new ContentLinks(slug, folder, media, Problems, _links);
            links.Resolve(articleFile, article.Document);

            var partFiles = Directory.EnumerateFiles(folder, "*.md")
                .Where(f => Path.GetFileName(f) != ArticleFile)
                .Order(StringComparer.Ordinal)
                .ToList();

            var parts = ImmutableArray.CreateBuilder<Part>(partFiles.Count);
            var slugs = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < partFiles.Count; i++)
            {
                var file = partFiles[i];
                var number = i + 1;
                var match = PartFilePattern().Match(Path.GetFileName(file));
                if (!match.Success || int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) != number)
                {
                    Fail(new ContentException(file, $"expected a part file named {number:00}-<slug>.md here"));
                    continue;
                }

                if (Attempt(() => LoadPart(file, number, links)) is not { } part)
                {
                    continue;
                }

                if (slugs.TryGetValue(part.Slug, out var other))
                {
                    Fail(new ContentException(file, $"slug '{part.Slug}' is taken: {Path.GetFileName(other)} uses it too"));
                    continue;
                }

                slugs[part.Slug] = file;
                parts.Add(part);
            }

            if (partFiles.Count == 0)
            {
                throw new ContentException(folder, "an article needs at least one part file (01-<slug>.md)");
            }

            if (fields.Optional("parts") is { } declared
                && (!int.TryParse(declared, CultureInfo.InvariantCulture, out var count) || count != partFiles.Count))
            {
                Fail(new ContentException(articleFile, $"declares parts: {declared} but the folder has {partFiles.Count} part files", fields.LineOf("parts")));
            }

            return new Article(
                slug,
                fields.Required("title"),
                fields.Required("author"),
                fields.Required("attribution"),
                fields.Required("description"),
                article.ToHtml(),
                parts.ToImmutable())
            {
                Updated = fields.Date("updated"),
                Media = media.ToFrozenDictionary(StringComparer.Ordinal),
                SlugLine = fields.LineOf("slug"),
            };
        }

        private Part LoadPart(string file, int number, ContentLinks links)
        {
            var parsed = Read(file);
            var fields = new Fields(file, parsed, PartKeys, Problems);
            var text = parsed.PlainText.Trim();
            if (text.Length == 0)
            {
                throw new ContentException(file, "the part has no text");
            }

            var slug = fields.Slug(taken.ForParts);
            links.Resolve(file, parsed.Document);
            return new Part(
                number,
                slug,
                fields.Required("title"),
                fields.Required("summary"),
                fields.Optional("pause"),
                parsed.ToHtml(),
                Excerpt(text),
                Word().Count(text))
            {
                Updated = fields.Date("updated"),
                Written = File.GetLastWriteTimeUtc(file),
            };
        }

        /// <summary>
        /// The images beside the Markdown, read once. A symbolic link is refused, file or folder: what
        /// is served must be inside the content folder, whatever a link points to.
        /// </summary>
        private Dictionary<string, ArticleMedia> LoadMedia(string folder)
        {
            var media = new Dictionary<string, ArticleMedia>(StringComparer.Ordinal);
            var images = Directory.EnumerateFiles(folder).Where(ArticleMedia.IsImageName).Order(StringComparer.Ordinal).ToList();
            if (images.Count > 0 && new DirectoryInfo(folder).LinkTarget is not null)
            {
                Problems.Add(new(folder, 0, "is a symbolic link, so its images are not served; put the article folder itself in the content folder"));
                return media;
            }

            foreach (var file in images)
            {
                if (new FileInfo(file).LinkTarget is not null)
                {
                    Problems.Add(new(file, 0, "is a symbolic link, so it is not served; put the image itself beside the Markdown"));
                    continue;
                }

                byte[] bytes;
                try
                {
                    bytes = File.ReadAllBytes(file);
                }
                catch (IOException e)
                {
                    Problems.Add(new(file, 0, $"could not be read: {e.Message}"));
                    continue;
                }

                var name = Path.GetFileName(file);
                _hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(folder) + "/" + name));
                _hash.AppendData(bytes);
                var (found, problem) = ArticleMedia.From(name, bytes);
                if (found is null)
                {
                    Problems.Add(new(file, 0, problem!));
                    continue;
                }

                media[name] = found;
            }

            return media;
        }

        private ParsedMarkdown Read(string file)
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

            _hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(Path.GetDirectoryName(file)) + "/" + Path.GetFileName(file)));
            _hash.AppendData(bytes);
            return MarkdownRenderer.Parse(file, Encoding.UTF8.GetString(bytes));
        }
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

    private sealed class Fields
    {
        private readonly string _file;
        private readonly ParsedMarkdown _parsed;
        private readonly Dictionary<string, string> _misspelt = new(StringComparer.Ordinal);

        /// <summary>Reads the front matter, reporting each key this kind of file does not know.</summary>
        public Fields(string file, ParsedMarkdown parsed, IReadOnlyList<string> known, List<ContentProblem> problems)
        {
            _file = file;
            _parsed = parsed;
            foreach (var key in parsed.FrontMatter.Keys.Where(key => !known.Contains(key)))
            {
                var nearest = known.MinBy(k => Distance(k, key))!;
                if (Distance(nearest, key) <= 2)
                {
                    _misspelt.TryAdd(nearest, key);
                    problems.Add(new(file, LineOf(key), $"unknown front-matter key '{key}' (did you mean '{nearest}'?)"));
                }
                else
                {
                    problems.Add(new(file, LineOf(key), $"unknown front-matter key '{key}' (the keys here are {string.Join(", ", known)})"));
                }
            }
        }

        public int LineOf(string name) => _parsed.KeyLines.GetValueOrDefault(name, 1);

        public string Required(string name) =>
            Optional(name) ?? throw new ContentException(
                _file,
                _misspelt.TryGetValue(name, out var written) ? $"front matter is missing '{name}' (line {LineOf(written)} spells it '{written}')" : $"front matter is missing '{name}'",
                1);

        public string? Optional(string name) =>
            _parsed.FrontMatter.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

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
                : throw new ContentException(_file, $"'{name}: {text}' must be a date written yyyy-MM-dd", LineOf(name));
        }

        public string Slug(FrozenSet<string> taken)
        {
            var slug = Required("slug");
            if (!IsSlug(slug))
            {
                throw new ContentException(_file, $"slug '{slug}' must be lowercase words joined by hyphens (at most 80 characters)", LineOf("slug"));
            }

            if (taken.Contains(slug))
            {
                throw new ContentException(_file, $"slug '{slug}' is reserved by the site (it has an address of its own there)", LineOf("slug"));
            }

            return slug;
        }

        /// <summary>Edits (insert, delete, substitute) from one key to another: how near a misspelling is.</summary>
        private static int Distance(string a, string b)
        {
            var previous = Enumerable.Range(0, b.Length + 1).ToArray();
            for (var i = 1; i <= a.Length; i++)
            {
                var current = new int[b.Length + 1];
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                }

                previous = current;
            }

            return previous[b.Length];
        }
    }
}
