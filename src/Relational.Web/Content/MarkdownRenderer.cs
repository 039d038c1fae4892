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
        .Build();

    private static readonly IDeserializer Yaml = new DeserializerBuilder().Build();

    public static RenderedMarkdown Render(string file, string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        var frontMatter = ReadFrontMatter(file, markdown, document);
        var html = document.ToHtml(Pipeline);
        var text = Markdown.ToPlainText(markdown, Pipeline);
        return new RenderedMarkdown(frontMatter, html, text);
    }

    private static Dictionary<string, string> ReadFrontMatter(string file, string markdown, MarkdownDocument document)
    {
        var block = document.Descendants<YamlFrontMatterBlock>().FirstOrDefault()
            ?? throw new ContentException(file, "missing front matter (a block between --- lines at the top)");
        var yaml = markdown.Substring(block.Span.Start, block.Span.Length).Trim().Trim('-');
        try
        {
            var values = Yaml.Deserialize<Dictionary<string, object?>>(yaml) ?? [];
            return values.ToDictionary(
                kv => kv.Key,
                kv => kv.Value as string ?? throw new ContentException(file, $"front matter field '{kv.Key}' must be text"),
                StringComparer.Ordinal);
        }
        catch (YamlException e)
        {
            throw new ContentException(file, $"front matter is not valid YAML (line {e.Start.Line}): {e.Message}");
        }
    }
}

internal sealed record RenderedMarkdown(IReadOnlyDictionary<string, string> FrontMatter, string Html, string PlainText);
