using Microsoft.AspNetCore.Mvc;

namespace Relational.Site;

/// <summary>
/// The answer to a form: 303 See Other to one of the site's own addresses (from <c>Url.Page</c> or a
/// content URL). The browser follows with a GET, so reloading never sends the form again;
/// <c>RedirectToPage</c> has no 303 (it answers 302, or 307/308 that repeat the POST).
/// </summary>
public sealed class SeeOtherResult : IActionResult, IResult
{
    public SeeOtherResult(string location)
    {
        // Never a way off the site: a form's answer names a local path, not another host.
        if (!location.StartsWith('/') || location.StartsWith("//", StringComparison.Ordinal) || location.StartsWith("/\\", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{location}' is not a local path.", nameof(location));
        }

        Location = location;
    }

    public string Location { get; }

    public Task ExecuteResultAsync(ActionContext context) => ExecuteAsync(context.HttpContext);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
        httpContext.Response.Headers.Location = Location;
        return Task.CompletedTask;
    }
}
