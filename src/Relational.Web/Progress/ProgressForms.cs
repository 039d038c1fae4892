using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Relational.Content;
using Relational.Safety;

namespace Relational.Progress;

/// <summary>
/// Marks an endpoint that takes a progress form, and checks every such form before its handler runs.
/// The request guard lets same-origin POSTs in only to endpoints carrying it (<see cref="IFormPostTarget"/>)
/// and has already settled origin, type and size; this answers 400 for a form that is not one of the
/// site's own: a chunked or unreadable body, a file, a field the handler does not bind with
/// <c>[FromForm]</c>, or a value that does not validate.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class ProgressFormAttribute : Attribute, IAsyncPageFilter, IEndpointFilter, IFormPostTarget
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        // Model binding has filled the handler's fields by now; nothing is read from the store or
        // written before the handler, which runs only for a form that passes.
        var request = context.HttpContext.Request;
        if (HttpMethods.IsPost(request.Method)
            && (!context.ModelState.IsValid || !await ProgressForms.IsOwnFormAsync(request, ProgressForms.FieldsOf(context))))
        {
            context.Result = new BadRequestResult();
            return;
        }

        await next();
    }

    /// <summary>For a minimal endpoint: it binds nothing from the form, so a form with any field is refused.</summary>
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        await ProgressForms.IsOwnFormAsync(context.HttpContext.Request, []) ? await next(context) : Results.BadRequest();
}

internal static class ProgressForms
{
    /// <summary>A minimal endpoint that takes a progress form: checked and marked as <see cref="ProgressFormAttribute"/> does for a page.</summary>
    public static RouteHandlerBuilder TakesProgressForm(this RouteHandlerBuilder endpoint)
    {
        var form = new ProgressFormAttribute();
        return endpoint.AddEndpointFilter(form).WithMetadata(form);
    }

    /// <summary>
    /// The fields a form posted to this handler may have: what the page and the handler bind from
    /// the form (a class's properties, or a single value's name), so the check follows the code.
    /// </summary>
    public static IEnumerable<string> FieldsOf(PageHandlerExecutingContext context)
    {
        var metadata = context.HttpContext.RequestServices.GetRequiredService<IModelMetadataProvider>();
        var bound = context.ActionDescriptor.BoundProperties.Concat<ParameterDescriptor>(context.HandlerMethod?.Parameters ?? []);
        foreach (var binding in bound.Where(b => b.BindingInfo?.BindingSource == BindingSource.Form))
        {
            var type = metadata.GetMetadataForType(binding.ParameterType);
            if (type.IsComplexType)
            {
                foreach (var property in type.Properties)
                {
                    yield return property.BinderModelName ?? property.PropertyName!;
                }
            }
            else
            {
                yield return binding.BindingInfo!.BinderModelName ?? binding.Name;
            }
        }
    }

    /// <summary>
    /// Whether a POST is a readable form, of known length, holding only the given fields (in any
    /// case, as model binding reads them) and no file.
    /// </summary>
    public static async Task<bool> IsOwnFormAsync(HttpRequest request, IEnumerable<string> fields)
    {
        // A browser's form always states its length. A chunked one is a script's, or a request
        // smuggled past a proxy with both a length and a transfer coding.
        if (!request.HasFormContentType || request.Headers.ContainsKey("Transfer-Encoding"))
        {
            return false;
        }

        try
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            var known = new HashSet<string>(fields, StringComparer.OrdinalIgnoreCase);
            return form.Files.Count == 0 && form.Keys.All(known.Contains);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return false;
        }
    }
}

/// <summary>A place in the series a form names: an article and a part of it, either or both absent.</summary>
public sealed record Place(Article? Article, Section? Section)
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
    public const string ArticleField = "article", SectionField = "section";

    [FromForm(Name = ArticleField)]
    public string? Article { get; set; }

    [FromForm(Name = SectionField)]
    public string? Section { get; set; }

    /// <summary>Whether the form must name a part: the forms about one part do.</summary>
    protected virtual bool NamesAPart => false;

    /// <summary>The place these fields name in this catalogue; null if it is not there.</summary>
    public Place? In(ContentCatalogue catalogue)
    {
        if (Article is null)
        {
            return Section is null && !NamesAPart ? Place.Nowhere : null;
        }

        if (catalogue.FindArticle(Article) is not { } article)
        {
            return null;
        }

        if (Section is null)
        {
            return NamesAPart ? null : new Place(article, null);
        }

        return article.FindSection(Section) is { } section ? new Place(article, section) : null;
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
