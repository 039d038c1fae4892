using Microsoft.Extensions.Options;
using Relational.Content;

namespace Relational.Progress;

public enum ProgressStatus
{
    /// <summary>This device has not asked to be remembered.</summary>
    Off,

    /// <summary>Opted in; <see cref="ProgressView.Progress"/> holds the reader's rows.</summary>
    On,

    /// <summary>Opted in, but the store cannot be reached right now.</summary>
    Unavailable,
}

/// <summary>What a page knows about the reader's progress, and the outcome of their last form.</summary>
public sealed record ProgressView(ProgressStatus Status, ReaderProgress? Progress, ProgressOutcome? Outcome)
{
    public static ProgressView Off { get; } = new(ProgressStatus.Off, null, null);
}

/// <summary>
/// Loads a reader's progress for a page. Requests without the reader cookie cost nothing: no
/// database work, no header, no cookie.
/// </summary>
public sealed class ProgressForPages(IReadingProgressStore store, IOptions<ProgressOptions> options, TimeProvider clock)
{
    public Task<ProgressView> FindAsync(HttpContext context) =>
        LoadAsync(context, key => store.FindAsync(key, context.RequestAborted));

    /// <summary>Opening a part marks it started, and the part before it finished if it was started.</summary>
    public Task<ProgressView> ForPartAsync(HttpContext context, Article article, Part part)
    {
        var previous = article.Previous(part) is { } before ? PartRef.Of(article, before) : (PartRef?)null;
        return LoadAsync(context, key => store.RecordOpenedAsync(key, PartRef.Of(article, part), previous, context.RequestAborted));
    }

    private async Task<ProgressView> LoadAsync(HttpContext context, Func<ReaderKey, Task<ReaderProgress?>> load)
    {
        var outcome = ProgressOutcome.FromQuery(context.Request);
        if (!ReaderCookie.IsPresent(context.Request))
        {
            return outcome is null ? ProgressView.Off : ProgressView.Off with { Outcome = outcome };
        }

        // A cookie that names no reader (forged, forgotten elsewhere, purged) is answered as a
        // stranger is, and cleared: the site sets a reader cookie only when the reader asks.
        ReaderCookie.MarkPersonalPage(context.Response);
        if (ReaderCookie.Read(context.Request) is not { } key)
        {
            return ProgressView.Off with { Outcome = outcome };
        }

        try
        {
            if (await load(key) is { } progress)
            {
                // The cookie lives as long as the records would: renewed while the reader reads,
                // on their first page of the day.
                var now = clock.GetUtcNow();
                if (!ReaderCookie.WrittenOn(context.Request, now))
                {
                    ReaderCookie.Write(context.Response, key, options.Value.RetentionDays, now);
                }

                return new ProgressView(ProgressStatus.On, progress, outcome);
            }

            ReaderCookie.Expire(context.Response);
            return ProgressView.Off with { Outcome = outcome };
        }
        catch (ProgressUnavailableException)
        {
            return new ProgressView(ProgressStatus.Unavailable, null, outcome);
        }
    }
}
