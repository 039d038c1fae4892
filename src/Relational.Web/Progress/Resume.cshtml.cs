using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Relational.Site;

namespace Relational.Progress;

/// <summary>
/// <c>/progress/resume/{token}</c>: a private resume link. Opening it only asks; the reader's
/// button press (a POST) adopts the progress, so a link preview never sets a cookie. The token is
/// a secret: request logs show only the route template, and the page is never cached.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ResumeModel(IReadingProgressStore store, IOptions<ProgressOptions> options) : PageModel
{
    public string? Problem { get; private set; }

    /// <summary>Asks first; a link that no longer works says so at once (no cookie either way).</summary>
    public async Task<PageResult> OnGetAsync(string token)
    {
        if (!ResumeToken.TryParse(token, out var resume))
        {
            return Show(StatusCodes.Status404NotFound, NotWorking);
        }

        try
        {
            return await store.ResumeLinkExistsAsync(resume, HttpContext.RequestAborted)
                ? Show(StatusCodes.Status200OK, null)
                : Show(StatusCodes.Status404NotFound, NotWorking);
        }
        catch (ProgressUnavailableException)
        {
            return Show(StatusCodes.Status503ServiceUnavailable, Unavailable);
        }
    }

    public async Task<IActionResult> OnPostAsync(string token)
    {
        if (Request.Form.Count > 0)
        {
            return BadRequest();
        }

        if (!ResumeToken.TryParse(token, out var resume))
        {
            return Show(StatusCodes.Status404NotFound, NotWorking);
        }

        var key = ReaderKey.New();
        bool adopted;
        try
        {
            adopted = await store.AdoptAsync(resume, key, ReaderCookie.Read(Request), HttpContext.RequestAborted);
        }
        catch (ProgressUnavailableException)
        {
            return Show(StatusCodes.Status503ServiceUnavailable, Unavailable);
        }

        if (!adopted)
        {
            return Show(StatusCodes.Status404NotFound, NotWorking);
        }

        ReaderCookie.Write(Response, key, options.Value.RetentionDays);
        ReaderCookie.MarkPersonal(Response);
        Response.Headers.Location = ProgressOutcome.Adopted.AppendTo("/progress");
        return StatusCode(StatusCodes.Status303SeeOther);
    }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (await ProgressForms.RejectAsync(Request) is { } rejection)
        {
            context.Result = StatusCode(rejection);
            return;
        }

        await next();
    }

    private const string Unavailable = "We couldn’t do that right now. Reading works as usual; you could try the link again later.";

    private const string NotWorking = "This link doesn’t work any more. It may have been revoked, or the progress it carried was forgotten.";

    private PageResult Show(int status, string? problem)
    {
        Problem = problem;
        Response.StatusCode = status;
        ReaderCookie.MarkPersonal(Response);
        Response.Headers["X-Robots-Tag"] = "noindex";
        new PageMeta("Carry your place to this device", "A private link to carry a reader’s place between devices.", "/progress").ApplyTo(ViewData);
        return Page();
    }
}
