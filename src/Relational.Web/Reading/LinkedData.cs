using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Relational.Content;

namespace Relational.Reading;

/// <summary>
/// schema.org data for search engines, written as JSON-LD blocks in the page head: a part is an
/// <c>Article</c> at its position in the series, the cover the <c>CreativeWorkSeries</c> its parts
/// belong to, each with a <c>BreadcrumbList</c>. Never on a neutral (discreet) page, which must not
/// name its topic: its head leaves them out (<see cref="PageHeads"/>).
/// </summary>
public static class LinkedData
{
    private const string Vocabulary = "https://schema.org";

    /// <summary>
    /// Escapes &lt;, &gt;, &amp; and quotes as \u003C…, so no title can close the script element or
    /// open a comment in it; other characters (’ —) stay as they are.
    /// </summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary>The text of one <c>&lt;script type="application/ld+json"&gt;</c> element.</summary>
    public static string ScriptText(JsonObject block) => block.ToJsonString(Json);

    /// <summary>
    /// A part's blocks. <paramref name="absolute"/> turns a site path into the absolute address the
    /// page's own links use; <paramref name="image"/> is the path of its preview card.
    /// </summary>
    public static IReadOnlyList<JsonObject> ForPart(Article article, Part part, string siteName, Func<string, string> absolute, string image)
    {
        var url = absolute(article.PartUrl(part));
        var block = new JsonObject
        {
            ["@context"] = Vocabulary,
            ["@type"] = "Article",
            ["headline"] = part.Title,
            ["description"] = part.Summary,
            ["url"] = url,
            ["mainEntityOfPage"] = url,
            ["image"] = absolute(image),
            ["inLanguage"] = "en",
            ["wordCount"] = part.WordCount,
            ["author"] = Author(article),
            ["publisher"] = Publisher(siteName, absolute),
            ["isPartOf"] = new JsonObject
            {
                ["@type"] = "CreativeWorkSeries",
                ["name"] = article.Title,
                ["url"] = absolute(article.Url),
            },
            ["position"] = part.Number,
        };
        AddDate(block, part.Updated);
        return [block, Breadcrumbs(absolute, (siteName, "/"), (article.Title, article.Url), (part.Title, article.PartUrl(part)))];
    }

    public static IReadOnlyList<JsonObject> ForCover(Article article, string siteName, Func<string, string> absolute, string image)
    {
        var series = new JsonObject
        {
            ["@context"] = Vocabulary,
            ["@type"] = "CreativeWorkSeries",
            ["name"] = article.Title,
            ["description"] = article.Description,
            ["url"] = absolute(article.Url),
            ["image"] = absolute(image),
            ["inLanguage"] = "en",
            ["author"] = Author(article),
            ["publisher"] = Publisher(siteName, absolute),
            ["hasPart"] = new JsonArray([.. article.Parts.Select(part => (JsonNode)new JsonObject
            {
                ["@type"] = "Article",
                ["headline"] = part.Title,
                ["url"] = absolute(article.PartUrl(part)),
                ["position"] = part.Number,
            })]),
        };
        AddDate(series, article.LastChanged);
        return [series, Breadcrumbs(absolute, (siteName, "/"), (article.Title, article.Url))];
    }

    // The front matter names the author by name only, not whether a person or an organisation.
    private static JsonObject Author(Article article) => new() { ["@type"] = "Organization", ["name"] = article.Author };

    private static JsonObject Publisher(string siteName, Func<string, string> absolute) =>
        new() { ["@type"] = "Organization", ["name"] = siteName, ["url"] = absolute("/") };

    private static void AddDate(JsonObject block, DateOnly? updated)
    {
        if (updated is { } date)
        {
            block["dateModified"] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
    }

    private static JsonObject Breadcrumbs(Func<string, string> absolute, params (string Name, string Path)[] trail) => new()
    {
        ["@context"] = Vocabulary,
        ["@type"] = "BreadcrumbList",
        ["itemListElement"] = new JsonArray([.. trail.Select((step, i) => (JsonNode)new JsonObject
        {
            ["@type"] = "ListItem",
            ["position"] = i + 1,
            ["name"] = step.Name,
            ["item"] = absolute(step.Path),
        })]),
    };
}
