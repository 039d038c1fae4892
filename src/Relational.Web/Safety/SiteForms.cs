using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Relational.Safety;

/// <summary>
/// Marks an endpoint that takes one of the site's forms, and checks every such form before its handler runs.
/// The request guard lets same-origin POSTs in only to endpoints carrying it (<see cref="IFormPostTarget"/>)
/// and has already settled origin, type and size; this answers 400 for a form that is not one of the
/// site's own: a chunked or unreadable body, a file, a field the handler does not bind with
/// <c>[FromForm]</c>, or a value that does not validate.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class SiteFormAttribute : Attribute, IAsyncPageFilter, IEndpointFilter, IFormPostTarget
{
    /// <summary>
    /// Reads the form before model binding does: binding would answer 400 for a body Kestrel gave
    /// up on, where Kestrel's own status (408 for one that came too slowly) is the true answer;
    /// the request guard sends that.
    /// </summary>
    public async Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context)
    {
        var request = context.HttpContext.Request;
        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            try
            {
                await request.ReadFormAsync(context.HttpContext.RequestAborted);
            }
            catch (Exception e) when (e is InvalidDataException or IOException && e is not BadHttpRequestException)
            {
                // A form the site cannot read: the check after binding refuses it.
            }
        }
    }

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        // Model binding has filled the handler's fields by now; nothing is read from the store or
        // written before the handler, which runs only for a form that passes.
        var request = context.HttpContext.Request;
        if (HttpMethods.IsPost(request.Method)
            && (!context.ModelState.IsValid || !await SiteForms.IsOwnFormAsync(request, SiteForms.FieldsOf(context))))
        {
            context.Result = new BadRequestResult();
            return;
        }

        await next();
    }

    /// <summary>For a minimal endpoint: it binds nothing from the form, so a form with any field is refused.</summary>
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        await SiteForms.IsOwnFormAsync(context.HttpContext.Request, []) ? await next(context) : Results.BadRequest();
}

internal static class SiteForms
{
    /// <summary>A minimal endpoint that takes a form: checked and marked as <see cref="SiteFormAttribute"/> does for a page.</summary>
    public static RouteHandlerBuilder TakesSiteForm(this RouteHandlerBuilder endpoint)
    {
        var form = new SiteFormAttribute();
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
        catch (Exception e) when (e is InvalidDataException or IOException && e is not BadHttpRequestException)
        {
            // Kestrel's own refusals (a body too slow, cut short or too large) go on to the request
            // guard with their status.
            return false;
        }
    }
}
