using System.Collections.Frozen;
using System.Reflection;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Microsoft.AspNetCore.Razor.Hosting;

namespace Relational.Content;

/// <summary>A link in the content to one of the site's own addresses, checked once every article is loaded.</summary>
internal sealed record ContentLink(string File, int Line, string Written, string Path)
{
    public string Describe() => Written == Path ? $"'{Written}'" : $"'{Written}' (to {Path})";
}

/// <summary>
/// Resolves the links and images of one article's Markdown. A relative link (<c>next-part</c>) is
/// written out as the address it means from the article's parts (<c>/article/next-part</c>), so it
/// leads to the same page from the cover, the whole article and a neutral address. An image is
/// written by its file name beside the Markdown and becomes that file's address with its size
/// and a version; anything else is a problem for the author.
/// </summary>
internal sealed class ContentLinks(string slug, string folder, IReadOnlyDictionary<string, ArticleMedia> media, List<ContentProblem> problems, List<ContentLink> links)
{
    /// <summary>Images in the first blocks of a page load at once; later ones only as the reader nears them.</summary>
    private const int FirstScreenBlocks = 2;

    /// <summary>
    /// The first segments of the site's own pages (<c>/staying-safe</c>, <c>/progress</c>): a link
    /// to one is no link to a missing article. Read from the compiled pages' routes, so a page added
    /// later is known without a list to keep in step.
    /// </summary>
    internal static readonly FrozenSet<string> SitePages = typeof(ContentLinks).Assembly
        .GetCustomAttributes<RazorCompiledItemAttribute>()
        .SelectMany(item => item.Type.GetCustomAttributes<RazorCompiledItemMetadataAttribute>())
        .Where(metadata => metadata.Key == "RouteTemplate")
        .Select(metadata => metadata.Value.Trim('/').Split('/')[0])
        .Where(first => first.Length > 0 && !first.StartsWith('{'))
        .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public void Resolve(string file, MarkdownDocument document)
    {
        foreach (var link in document.Descendants<LinkInline>())
        {
            var line = link.Line + 1;
            var url = link.Url ?? "";
            if (link.IsImage)
            {
                Image(file, line, link, url, document);
            }
            else
            {
                Link(file, line, link, url);
            }
        }
    }

    /// <summary>Reports the links that lead to no article, part or image of this content.</summary>
    public static void Check(IEnumerable<ContentLink> links, ContentCatalogue catalogue, TakenSlugs taken, List<ContentProblem> problems)
    {
        foreach (var link in links)
        {
            var segments = link.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (segments.Length == 0)
            {
                continue;
            }

            if (catalogue.FindArticle(segments[0]) is { } article)
            {
                if (segments.Length == 1
                    || (segments.Length == 2 && (article.FindPart(segments[1]) is not null || segments[1] == "all" || article.Media.ContainsKey(segments[1]))))
                {
                    continue;
                }

                problems.Add(new(link.File, link.Line, $"the link {link.Describe()} leads nowhere: the article '{article.Slug}' has no part '{string.Join('/', segments[1..])}'"));
            }
            else if (!SitePages.Contains(segments[0]) && !taken.ForArticles.Contains(segments[0]) && !segments[0].Contains('.', StringComparison.Ordinal))
            {
                problems.Add(new(link.File, link.Line, $"the link {link.Describe()} leads nowhere: there is no article '{segments[0]}'"));
            }
        }
    }

    private void Link(string file, int line, LinkInline link, string url)
    {
        if (url.Length == 0 || url.StartsWith('#') || IsElsewhere(url))
        {
            return;
        }

        var resolved = new Uri(new Uri($"http://site/{slug}/"), url);
        link.Url = resolved.PathAndQuery + resolved.Fragment;
        links.Add(new ContentLink(file, line, url, Uri.UnescapeDataString(resolved.AbsolutePath)));
    }

    private void Image(string file, int line, LinkInline image, string url, MarkdownDocument document)
    {
        var alt = string.Concat(image.Descendants<LiteralInline>().Select(text => text.Content.ToString())).Trim();
        if (alt.Length == 0)
        {
            problems.Add(new(file, line, $"the image '{url}' has no alt text: say what it shows between the brackets, ![…]({url})"));
        }

        if (IsElsewhere(url) || url.StartsWith('/'))
        {
            problems.Add(new(file, line, $"the image '{url}' is not a file beside the Markdown; put it in {folder} and write its name, ![…](diagram.png) (the site loads no image from elsewhere)"));
            return;
        }

        var name = Uri.UnescapeDataString(url.Split('?', '#')[0]);
        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            problems.Add(new(file, line, $"the image '{url}' is in another folder; images go beside the Markdown, in {folder}, written by name alone"));
        }
        else if (!ArticleMedia.IsImageName(name))
        {
            problems.Add(new(file, line, $"the image '{url}' is not a type the site serves ({ArticleMedia.TypeNames})"));
        }
        else if (media.TryGetValue(name, out var found))
        {
            image.Url = found.UrlIn(slug);
            var attributes = image.GetAttributes();
            if (found.Width is { } width && found.Height is { } height)
            {
                attributes.AddProperty("width", width.ToString(System.Globalization.CultureInfo.InvariantCulture));
                attributes.AddProperty("height", height.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (TopBlockIndex(image, document) >= FirstScreenBlocks)
            {
                attributes.AddProperty("loading", "lazy");
            }
        }
        else if (!File.Exists(Path.Combine(folder, name)))
        {
            // A file that is there but refused was reported when the images were read.
            problems.Add(new(file, line, $"the image '{name}' is not in {folder}"));
        }
    }

    /// <summary>Another site, or a scheme such as mailto: (a colon before any slash, query or fragment).</summary>
    private static bool IsElsewhere(string url)
    {
        if (url.StartsWith("//", StringComparison.Ordinal))
        {
            return true;
        }

        var colon = url.IndexOf(':', StringComparison.Ordinal);
        var pathStart = url.IndexOfAny(['/', '?', '#']);
        return colon > 0 && (pathStart < 0 || colon < pathStart);
    }

    private static int TopBlockIndex(Inline inline, MarkdownDocument document)
    {
        var root = inline;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        Block? block = (root as ContainerInline)?.ParentBlock;
        while (block is not null && block.Parent != document)
        {
            block = block.Parent;
        }

        // The front matter is a block of the document too, but nothing a reader sees.
        var skipped = document.Count > 0 && document[0] is Markdig.Extensions.Yaml.YamlFrontMatterBlock ? 1 : 0;
        return block is null ? int.MaxValue : document.IndexOf(block) - skipped;
    }
}
