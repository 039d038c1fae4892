using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Relational.Content;
using Relational.Site;

namespace Relational.Reading;

/// <summary>
/// The calm page behind every error status. Reached by re-execution, so the original status code
/// is kept; requested directly it answers 404.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class StatusModel(CatalogueProvider catalogue) : PageModel
{
    /// <summary>Where to go from here: a missing part's own article contents, else the list of articles.</summary>
    public (string Href, string Text) WayOn { get; private set; } = ("/", "go back to the list of articles");

    public string Heading { get; private set; } = "";

    public string Message { get; private set; } = "";

    /// <summary>
    /// Every method alike (a refused PUT or TRACE is re-executed with its own method), and the
    /// code read from the route alone: model binding would read a refused form body again.
    /// </summary>
    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        _ = int.TryParse(RouteData.Values["code"]?.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var code);
        context.Result = Show(code);
    }

    private PageResult Show(int code)
    {
        var reExecuted = HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null
            || HttpContext.Features.Get<IExceptionHandlerPathFeature>() is not null;
        if (!reExecuted)
        {
            code = StatusCodes.Status404NotFound;
        }

        (Heading, Message) = code switch
        {
            404 => ("This page isn’t here", "The page you asked for doesn’t exist, or may have moved. Nothing is wrong on your side."),
            405 => ("That can’t be done here", "This page can only be read, not changed."),
            413 => ("That was too much to send", "The form sent more than this site accepts. Nothing was saved."),
            429 => ("Let’s slow down a little", "Several requests arrived close together. Please wait a moment and try again."),
            503 => ("The site is busy just now", "Please try again in a minute or two. Nothing you have read is lost, and reading works as usual."),
            >= 500 => ("Something went wrong on our side", "This isn’t your doing. Please try again in a little while."),
            _ => ("That request couldn’t be understood", "Something about the request wasn’t quite right. Nothing was changed."),
        };
        Response.StatusCode = code;
        if (code == StatusCodes.Status404NotFound
            && HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath is { } missing
            && missing.Split('/', StringSplitOptions.RemoveEmptyEntries) is [var slug, _]
            && catalogue.Current.FindArticle(slug) is { } article)
        {
            WayOn = (article.ContentsUrl, $"see the contents of “{article.Title}”");
        }

        // An error page is no address of its own: no canonical link or og:url to claim one.
        new PageMeta(Heading, Message, "/") { Canonical = false }.ApplyTo(ViewData);
        return Page();
    }
}
