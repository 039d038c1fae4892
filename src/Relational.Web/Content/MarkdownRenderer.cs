using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Relational.Content;

/// <summary>The one Markdown pipeline: YAML front matter, raw HTML off, no typographic rewriting.</summary>
internal static class MarkdownRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .DisableHtml()
        // Lines of links and images, for the problems reported about them.
        .UsePreciseSourceLocation()
        .Build();

    private static readonly IDeserializer Yaml = new DeserializerBuilder().Build();

    /// <summary>
    /// Reads the front matter and parses the text; the HTML is written by <see cref="ParsedMarkdown.ToHtml"/>
    /// once its links and images have been resolved (they depend on the article's slug, in the front matter).
    /// </summary>
    public static ParsedMarkdown Parse(string file, string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        var block = document.Descendants<YamlFrontMatterBlock>().FirstOrDefault()
            ?? throw new ContentException(file, "missing front matter (a block between --- lines at the top)");
        var frontMatter = ReadFrontMatter(file, markdown, block);
        var text = Markdown.ToPlainText(markdown, Pipeline);
        return new ParsedMarkdown(frontMatter, KeyLines(markdown, block), document, text);
    }

    public static string ToHtml(MarkdownDocument document) => document.ToHtml(Pipeline);

    private static Dictionary<string, string> ReadFrontMatter(string file, string markdown, YamlFrontMatterBlock block)
    {
        var yaml = markdown.Substring(block.Span.Start, block.Span.Length).Trim().Trim('-');
        try
        {
            var values = Yaml.Deserialize<Dictionary<string, object?>>(yaml) ?? [];
            return values.ToDictionary(
                kv => kv.Key,
                kv => kv.Value as string ?? throw new ContentException(file, $"front matter field '{kv.Key}' must be text", KeyLines(markdown, block).GetValueOrDefault(kv.Key)),
                StringComparer.Ordinal);
        }
        catch (YamlException e)
        {
            // The block is read from just after the opening ---, so its lines are the file's.
            throw new ContentException(file, $"front matter is not valid YAML: {e.Message}", (int)e.Start.Line);
        }
    }

    /// <summary>The line (from 1) on which each top-level key of the front matter is written.</summary>
    private static Dictionary<string, int> KeyLines(string markdown, YamlFrontMatterBlock block)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var text = markdown.AsSpan(0, Math.Min(markdown.Length, block.Span.End + 1)).ToString().Split('\n');
        for (var i = 1; i < text.Length; i++)
        {
            var colon = text[i].IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && !char.IsWhiteSpace(text[i][0]))
            {
                lines.TryAdd(text[i][..colon].Trim().Trim('"', '\''), i + 1);
            }
        }

        return lines;
    }
}

internal sealed record ParsedMarkdown(IReadOnlyDictionary<string, string> FrontMatter, IReadOnlyDictionary<string, int> KeyLines, MarkdownDocument Document, string PlainText)
{
    public string ToHtml() => MarkdownRenderer.ToHtml(Document);
}
