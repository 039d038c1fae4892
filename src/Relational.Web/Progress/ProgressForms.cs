using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Relational.Progress;

/// <summary>
/// Puts a page's POSTs through <see cref="ProgressForms.RejectAsync"/> before any handler or
/// model binding runs: one place for the checks every progress form needs.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class ProgressFormAttribute : Attribute, IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (await ProgressForms.RejectAsync(context.HttpContext.Request) is { } rejection)
        {
            context.Result = new StatusCodeResult(rejection);
            return;
        }

        await next();
    }
}

/// <summary>
/// The check every progress form passes before anything is read or written. (Whether a POST is
/// same-origin, of a form type and of a sane size is settled earlier, for every POST, by the
/// Safety request guard; a cross-site POST never gets here.)
/// </summary>
internal static class ProgressForms
{
    /// <summary>The only fields a progress form has.</summary>
    private static readonly HashSet<string> Fields = new(["article", "section", "choice"], StringComparer.Ordinal);

    /// <summary>
    /// Null when a POST may go ahead, else 400: a chunked body, a body that is not a readable form,
    /// or one with a field no progress form has. Other methods pass.
    /// </summary>
    public static async Task<int?> RejectAsync(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            return null;
        }

        // A browser's form always states its length. A chunked one is a script's, or a request
        // smuggled past a proxy with both a length and a transfer coding.
        if (!request.HasFormContentType || request.Headers.ContainsKey("Transfer-Encoding"))
        {
            return StatusCodes.Status400BadRequest;
        }

        try
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            return form.Files.Count == 0 && form.Keys.All(Fields.Contains) ? null : StatusCodes.Status400BadRequest;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return StatusCodes.Status400BadRequest;
        }
    }
}
