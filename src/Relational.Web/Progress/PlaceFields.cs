using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Relational.Content;

namespace Relational.Progress;

/// <summary>A place in the series a form names: an article and a part of it, either or both absent.</summary>
public sealed record Place(Article? Article, Part? Part)
{
    public static Place Nowhere { get; } = new(null, null);
}

/// <summary>
/// The fields of a progress form that says where the reader is: the article and, on a part page,
/// the part (the progress page's own "Remember" names neither). Valid only when they name a real
/// place: a part needs its article, and both must exist.
/// </summary>
public class PlaceFields : IValidatableObject
{
    /// <summary>The fields' names in the form's HTML.</summary>
    public const string ArticleField = "article", PartField = "part";

    [FromForm(Name = ArticleField)]
    public string? Article { get; set; }

    [FromForm(Name = PartField)]
    public string? Part { get; set; }

    /// <summary>Whether the form must name a part: the forms about one part do.</summary>
    protected virtual bool NamesAPart => false;

    /// <summary>The place these fields name in this catalogue; null if it is not there.</summary>
    public Place? In(ContentCatalogue catalogue)
    {
        if (Article is null)
        {
            return Part is null && !NamesAPart ? Place.Nowhere : null;
        }

        if (catalogue.FindArticle(Article) is not { } article)
        {
            return null;
        }

        if (Part is null)
        {
            return NamesAPart ? null : new Place(article, null);
        }

        return article.FindPart(Part) is { } part ? new Place(article, part) : null;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (In(validationContext.GetRequiredService<CatalogueProvider>().Current) is null)
        {
            yield return new ValidationResult("The form names no place in the series.");
        }
    }
}

/// <summary>The fields of a form about one part ("I’ve finished this part", "Save my place here").</summary>
public sealed class PartFields : PlaceFields
{
    protected override bool NamesAPart => true;
}
