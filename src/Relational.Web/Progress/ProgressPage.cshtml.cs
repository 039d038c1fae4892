using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Relational.Content;
using Relational.Readership;
using Relational.Safety;
using Relational.Site;

namespace Relational.Progress;

/// <summary>
/// <c>/progress</c>: what is kept and the controls for it; and every progress form's POST, one named
/// handler each (<c>/progress/remember</c>, <c>/progress/finished</c>, …). No antiforgery token (its
/// cookie would be set before anyone opts in): the Safety request guard lets only same-origin POSTs
/// in, and <see cref="SiteFormAttribute"/> refuses any form that is not one of these.
/// </summary>
[IgnoreAntiforgeryToken]
[SiteForm]
[ReadersOwn(DownloadHandler = "Export")]
public sealed class ProgressPageModel(
    IReadingProgressStore store,
    ProgressForPages pages,
    CatalogueProvider catalogue,
    PublicUrls urls,
    NewReaderLimit newReaders,
    IOptions<ProgressOptions> options,
    TimeProvider clock) : PageModel
{
    /// <summary>This page, for <c>Url.Page</c> and <c>asp-page</c>.</summary>
    public const string PageName = "/Progress/ProgressPage";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public ProgressView View { get; private set; } = ProgressView.Off;

    public IReadOnlyList<Article> Articles => catalogue.Current.Articles;

    public int RetentionDays => options.Value.RetentionDays;

    /// <summary>A resume link just made; shown once, since only its hash is kept.</summary>
    public string? ResumeUrl { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (RouteData.Values["handler"] is not null)
        {
            return NotFound();
        }

        View = await pages.FindAsync(HttpContext);
        return ShowPage();
    }

    /// <summary>"Download my data": the reader's rows as JSON.</summary>
    public async Task<IActionResult> OnGetExportAsync()
    {
        if (!ReaderCookie.IsPresent(Request))
        {
            return Download(new { stored = false, note = "This device has not asked to be remembered, so nothing is stored about it." });
        }

        View = await pages.FindAsync(HttpContext);
        return View switch
        {
            { Status: ProgressStatus.Unavailable } => StatusCode(StatusCodes.Status503ServiceUnavailable),
            { Progress: { } progress } => Download(Export(progress)),
            _ => Download(new { stored = false, note = "Nothing is stored about this device." }),
        };
    }

    public async Task<IActionResult> OnPostRememberAsync([FromForm] PlaceFields place)
    {
        if (place.In(catalogue.Current) is not { } at)
        {
            // Checked when the form was bound; the content has been replaced since.
            return BadRequest();
        }

        var back = BackTo(at);
        if (ReaderCookie.Read(Request) is { } existing && await Ask(() => store.FindAsync(existing)) is { Reached: true, Value: not null })
        {
            return Back(back, ProgressOutcome.Remembered);
        }

        if (!newReaders.TryAdmit(HttpContext))
        {
            return StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        var key = ReaderKey.New();
        var opened = at is { Article: { } article, Part: { } part } ? PartRef.Of(article, part) : (PartRef?)null;
        var stored = await Ask(async () =>
        {
            await store.RememberAsync(key, opened);
            return true;
        });
        if (!stored.Reached)
        {
            return Back(back, ProgressOutcome.Unavailable);
        }

        ReaderCookie.Write(Response, key, RetentionDays, clock.GetUtcNow());
        HttpContext.CountForReadership(Measure.ProgressOptIns);
        return Back(back, ProgressOutcome.Remembered);
    }

    public Task<IActionResult> OnPostFinishedAsync([FromForm] PartFields fields) =>
        ForPart(fields, ProgressOutcome.Finished, (key, at) => store.MarkFinishedAsync(key, at));

    public Task<IActionResult> OnPostSaveAsync([FromForm] PartFields fields) =>
        ForPart(fields, ProgressOutcome.Saved, (key, at) => store.SavePlaceAsync(key, at));

    public async Task<IActionResult> OnPostForgetAsync()
    {
        if (ReaderCookie.Read(Request) is { } key)
        {
            if (await Ask(() => store.ForgetAsync(key)) is { Reached: false })
            {
                return Back(Here, ProgressOutcome.Unavailable);
            }
        }

        ReaderCookie.Expire(Response);
        // The browser erases the rest: an offline copy, its worker, and anything else stored here.
        Response.Headers["Clear-Site-Data"] = Offline.OfflineExtensions.ClearOnForget;
        return Back(Here, ProgressOutcome.Forgotten);
    }

    public async Task<IActionResult> OnPostLinkAsync()
    {
        if (ReaderCookie.Read(Request) is not { } key)
        {
            return Back(Here, ProgressOutcome.NotRemembered);
        }

        var result = await Ask(() => store.CreateResumeLinkAsync(key));
        if (!result.Reached)
        {
            return Back(Here, ProgressOutcome.Unavailable);
        }

        if (result.Value is not { } token)
        {
            return Back(Here, ProgressOutcome.NotRemembered);
        }

        HttpContext.CountForReadership(Measure.ResumeLinksMade);
        ResumeUrl = urls.Absolute(Request, Url.Page(ResumeModel.PageName, new { token = token.Value })!);
        View = await pages.FindAsync(HttpContext);
        return ShowPage();
    }

    public async Task<IActionResult> OnPostRevokeLinkAsync()
    {
        if (ReaderCookie.Read(Request) is not { } key)
        {
            return Back(Here, ProgressOutcome.NotRemembered);
        }

        return await Ask(() => store.RevokeResumeLinkAsync(key)) is { Reached: false }
            ? Back(Here, ProgressOutcome.Unavailable)
            : Back(Here, ProgressOutcome.LinkRevoked);
    }

    public IActionResult OnPost() => NotFound();

    private PageResult ShowPage()
    {
        ReaderCookie.MarkPersonal(Response);
        new PageMeta("Your progress", "What this site keeps about your reading, if you ask it to, and how to see or erase it.", Url.Page(PageName)!)
            .ApplyTo(ViewData);
        return Page();
    }

    private async Task<IActionResult> ForPart(PartFields fields, ProgressOutcome done, Func<ReaderKey, PartRef, Task<bool>> write)
    {
        if (fields.In(catalogue.Current) is not { Article: { } article, Part: { } part } at)
        {
            // Checked when the form was bound; the content has been replaced since.
            return BadRequest();
        }

        var back = BackTo(at);
        if (ReaderCookie.Read(Request) is not { } key)
        {
            return Back(back, ProgressOutcome.NotRemembered);
        }

        var written = await Ask(() => write(key, PartRef.Of(article, part)));
        if (!written.Reached)
        {
            return Back(back, ProgressOutcome.Unavailable);
        }

        if (!written.Value)
        {
            return Back(back, ProgressOutcome.NotRemembered);
        }

        return Back(back, done);
    }

    /// <summary>Where this page's links and its forms' answers lead: neutral addresses when reached discreetly.</summary>
    public SeriesLinks Links => SeriesLinks.For(Request);

    /// <summary>This page's address (without a handler), discreet if this request was.</summary>
    private string Here => Links.Page(Url.Page(PageName)!);

    /// <summary>Where a form's answer leads: the part or cover it was sent from, else this page.</summary>
    private string BackTo(Place at) =>
        at.Article is not { } article ? Here : at.Part is { } part ? Links.Part(article, part) : Links.Cover(article);

    private SeeOtherResult Back(string path, ProgressOutcome outcome)
    {
        ReaderCookie.MarkPersonal(Response);
        return new SeeOtherResult(outcome.AppendTo(path));
    }

    private FileContentResult Download(object data)
    {
        ReaderCookie.MarkPersonal(Response);
        return File(JsonSerializer.SerializeToUtf8Bytes(data, Json), "application/json", "my-reading-progress.json");
    }

    private object Export(ReaderProgress progress) => new
    {
        about = "Everything this site keeps about your reading, as stored. Nothing else is kept: no name, e-mail, IP address or browser details.",
        retentionDays = RetentionDays,
        createdAt = progress.CreatedAt,
        lastActiveAt = progress.LastActiveAt,
        devices = progress.Devices,
        savedPlace = progress.SavedPlace is { } saved
            ? new { article = saved.Part.Article, part = saved.Part.Part, savedAt = saved.SavedAt }
            : null,
        parts = progress.Parts.Select(s => new
        {
            article = s.Part.Article,
            part = s.Part.Part,
            state = s.State == PartState.Finished ? "finished" : "started",
            startedAt = s.StartedAt,
            lastOpenedAt = s.LastOpenedAt,
            finishedAt = s.FinishedAt,
        }),
        resumeLink = progress.ResumeLinkCreatedAt is { } created ? new { createdAt = created } : null,
    };

    /// <summary>Runs a store call; an unavailable store is an answer here (the store has logged it), not an error.</summary>
    private static async Task<StoreAnswer<T>> Ask<T>(Func<Task<T>> call)
    {
        try
        {
            return new StoreAnswer<T>(Reached: true, await call());
        }
        catch (ProgressUnavailableException)
        {
            return new StoreAnswer<T>(Reached: false, default!);
        }
    }

    /// <summary>What the store answered, or that it could not be reached (then <see cref="Value"/> means nothing).</summary>
    private readonly record struct StoreAnswer<T>(bool Reached, T Value);
}
