using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Relational.Site;

/// <summary>What the layout needs to know about a page: its title, description and canonical path.</summary>
public sealed record PageMeta(string Title, string Description, string Path, string OgType = "website")
{
    private const string Key = nameof(PageMeta);

    public static PageMeta? From(ViewDataDictionary viewData) => viewData[Key] as PageMeta;

    public void ApplyTo(ViewDataDictionary viewData) => viewData[Key] = this;
}
