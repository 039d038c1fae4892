using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Relational.Content;
using Relational.Readership;
using Relational.Safety;
using Relational.Site;

namespace Relational.Progress;

/// <summary>
/// <c>/progress/resume/{token}</c>: a private resume link. Opening it only asks, and answers the
/// same for every well-formed token, live or not, without looking it up: a GET never tells whether
/// a link is real. The reader's button press (a POST) adopts the progress, so a link preview never sets a
/// cookie. A link works once. If this device already has progress of its own, nothing is replaced
/// until the reader has seen both and chosen. The token is a secret: request logs show only the
/// route template, the page is never cached, and it sends no referrer, so the files it loads are
/// not asked for under an address that holds the token.
/// </summary>
[IgnoreAntiforgeryToken]
[SiteForm]
[ReadersOwn]
public sealed class ResumeModel(IReadingProgressStore store, CatalogueProvider catalogue, IOptions<ProgressOptions> options, TimeProvider clock) : PageModel
{
    /// <summary>This page, for <c>Url.Page</c>.</summary>
    public const string PageName = "/Progress/Resume";

    public const string Replace = "replace";

    public const string KeepMine = "keep";

    /// <summary>What the reader chose when this device had progress of its own; absent the first time.</summary>
    [BindProperty]
    [FromForm]
    [RegularExpression("^(replace|keep)$")]
    public string? Choice { get; set; }

    public string? Problem { get; private set; }

    /// <summary>This device's own progress and the link's, in words, when the reader must choose.</summary>
    public (string Mine, string Carried)? Difference { get; private set; }

    /// <summary>
    /// The same page for every token of the right shape, without looking it up; only a token
    /// that no link could ever have (not 256 bits of base64url) is answered 404.
    /// </summary>
    public PageResult OnGet([FromRoute] string token) => ResumeToken.TryParse(token, out _)
        ? Show(StatusCodes.Status200OK, null)
        : Show(StatusCodes.Status404NotFound, NotWorking);

    public async Task<IActionResult> OnPostAsync([FromRoute] string token)
    {
        if (Choice == KeepMine)
        {
            return Back(ProgressOutcome.KeptMine);
        }

        if (!ResumeToken.TryParse(token, out var resume))
        {
            return Show(StatusCodes.Status404NotFound, NotWorking);
        }

        var previous = ReaderCookie.Read(Request);
        var cancel = HttpContext.RequestAborted;
        try
        {
            if (Choice is null && previous is not null && await store.FindAsync(previous, cancel) is { } mine && HasAny(mine))
            {
                if (await store.FindByResumeLinkAsync(resume, cancel) is not { } carried)
                {
                    return Show(StatusCodes.Status404NotFound, NotWorking);
                }

                Difference = (Describe(mine), Describe(carried));
                return Show(StatusCodes.Status200OK, null);
            }

            var key = ReaderKey.New();
            if (!await store.AdoptAsync(resume, key, previous, cancel))
            {
                return Show(StatusCodes.Status404NotFound, NotWorking);
            }

            ReaderCookie.Write(Response, key, options.Value.RetentionDays, clock.GetUtcNow());
            HttpContext.CountForReadership(Measure.ResumeLinksUsed);
            return Back(ProgressOutcome.Adopted);
        }
        catch (ProgressUnavailableException)
        {
            return Show(StatusCodes.Status503ServiceUnavailable, Unavailable);
        }
    }

    private const string Unavailable = "We couldn’t do that right now. Reading works as usual; you could try the link again later.";

    private const string NotWorking = "This link doesn’t work. It may have been used already (a link works once), revoked, or the progress it carried was forgotten.";

    private static bool HasAny(ReaderProgress progress) => progress.SavedPlace is not null || !progress.Parts.IsEmpty;

    /// <summary>"3 parts finished and 1 started; saved place: part 4, …", per article.</summary>
    private string Describe(ReaderProgress progress)
    {
        var lines = new List<string>();
        foreach (var article in catalogue.Current.Articles)
        {
            var parts = progress.Parts.Where(s => s.Part.Article == article.Slug).ToList();
            var finished = parts.Count(s => s.State == PartState.Finished);
            var started = parts.Count - finished;
            var saved = progress.SavedPlace is { } place && place.Part.Article == article.Slug ? article.FindPart(place.Part.Part) : null;
            if (parts.Count == 0 && saved is null)
            {
                continue;
            }

            var line = $"{article.Title}: {finished} of {article.Parts.Length} parts finished, {started} started";
            lines.Add(saved is null ? line : $"{line}; saved place: part {saved.Number}, {saved.Title}");
        }

        return lines.Count == 0 ? "Nothing read yet." : string.Join(" ", lines.Select(l => l + "."));
    }

    /// <summary>The progress page's address: where a choice is answered, and the canonical of this page (which must never name the token).</summary>
    private string ProgressPage => Url.Page(ProgressPageModel.PageName)!;

    private SeeOtherResult Back(ProgressOutcome outcome)
    {
        ReaderCookie.MarkPersonal(Response);
        SendNoReferrer();
        return new SeeOtherResult(outcome.AppendTo(ProgressPage));
    }

    private PageResult Show(int status, string? problem)
    {
        Problem = problem;
        Response.StatusCode = status;
        ReaderCookie.MarkPersonal(Response);
        SendNoReferrer();
        Response.Headers["X-Robots-Tag"] = "noindex";
        new PageMeta("Carry your place to this device", "A private link to carry a reader’s place between devices.", ProgressPage).ApplyTo(ViewData);
        return Page();
    }

    /// <summary>Over the site's <c>same-origin</c>: a same-origin referrer here would carry the token.</summary>
    private void SendNoReferrer() => SecurityHeaders.Add(HttpContext, "Referrer-Policy", "no-referrer");
}
