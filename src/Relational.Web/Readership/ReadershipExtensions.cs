using Relational.Site;

namespace Relational.Readership;

/// <summary>
/// Readership figures for the publisher (docs/readership.md): pages and actions counted as they are
/// served, per day, in memory and then in the progress store; shown on the management address only.
/// </summary>
public static class ReadershipExtensions
{
    /// <summary>The counts are kept in the progress store, which registers itself as <see cref="IReadershipStore"/>.</summary>
    public static WebApplicationBuilder AddReadership(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckedSettings<ReadershipOptions, ReadershipChecks>(ReadershipOptions.Section);
        var publicUrls = ManagementAddress.PublicUrls(builder.Configuration);
        var management = ManagementAddress.From(builder.Configuration, publicUrls);
        if (management.Urls.Length > 0)
        {
            builder.WebHost.UseUrls([.. publicUrls, .. management.Urls]);
        }

        builder.Services.AddSingleton(management);
        builder.Services.AddSingleton<ReadershipCounts>();
        builder.Services.AddSingleton<ReadershipReport>();
        builder.Services.AddSingleton<ReadershipWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ReadershipWriter>());
        return builder;
    }

    /// <summary>
    /// First of all that answers pages (before <see cref="Performance.KeptPages"/>): a request on
    /// the management address gets the figures or 404 and nothing else (no reader's page, no kept
    /// page); any other request is counted, once answered, if it was a page shown.
    /// </summary>
    public static WebApplication UseReadership(this WebApplication app)
    {
        var management = app.Services.GetRequiredService<ManagementAddress>();
        var report = app.Services.GetRequiredService<ReadershipReport>();
        var counts = app.Services.GetRequiredService<ReadershipCounts>();
        app.Use((context, next) =>
        {
            if (management.Serves(context))
            {
                return report.AnswerAsync(context);
            }

            if (!counts.IsOn)
            {
                return next(context);
            }

            var answered = next(context);
            if (!answered.IsCompletedSuccessfully)
            {
                return CountWhenAnsweredAsync(answered, context, counts);
            }

            Count(context, counts);
            return Task.CompletedTask;
        });
        return app;
    }

    /// <summary>Counts an action a reader took (an opt-in, a resume link, an offline copy): one more for today, nothing else.</summary>
    public static void CountForReadership(this HttpContext context, Measure measure) =>
        context.RequestServices.GetRequiredService<ReadershipCounts>().Add(Tally.OfSite(measure));

    private static async Task CountWhenAnsweredAsync(Task answered, HttpContext context, ReadershipCounts counts)
    {
        await answered;
        Count(context, counts);
    }

    private static void Count(HttpContext context, ReadershipCounts counts)
    {
        if (context.Response.StatusCode is not (StatusCodes.Status200OK or StatusCodes.Status304NotModified))
        {
            return;
        }

        // A kept page carries what it counts as; a page rendered now is told by its endpoint.
        if ((context.Features.Get<Tally>() ?? ReadershipPages.TallyOf(context)) is { } page
            && ReadershipPages.Shown(context, page) is { } shown)
        {
            counts.Add(shown);
        }
    }
}
