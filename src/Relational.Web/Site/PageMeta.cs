using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Relational.Site;

/// <summary>What a page says about itself for its head: title, description, canonical path and the rest, from which <c>Reading/PageHead.cs</c> decides what the head prints.</summary>
public sealed record PageMeta(string Title, string Description, string Path, string OgType = "website", string? Author = null)
{
    /// <summary>False for pages that are no address of their own (error pages): no canonical link, no og:url, noindex.</summary>
    public bool Canonical { get; init; } = true;

    /// <summary>The preview image's path and what it shows (for og:image:alt), if the page has one.</summary>
    public (string Path, string Alt)? Image { get; init; }

    /// <summary>The Atom feed a page offers (path and title); none on a neutral page.</summary>
    public (string Path, string Title)? Feed { get; init; }

    /// <summary>schema.org blocks for the head (<see cref="Reading.LinkedData"/>); none on a neutral page.</summary>
    public IReadOnlyList<System.Text.Json.Nodes.JsonObject> LinkedData { get; init; } = [];

    /// <summary>The credit of the article the page belongs to (<see cref="Content.Article.Credit"/>), for the footer.</summary>
    public string? Credit { get; init; }

    private const string Key = nameof(PageMeta);

    public static PageMeta? From(ViewDataDictionary viewData) => viewData[Key] as PageMeta;

    public void ApplyTo(ViewDataDictionary viewData) => viewData[Key] = this;
}
