using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Options;
using Relational.Content;

namespace Relational.Readership;

/// <summary>
/// The publisher's pages on the management address: <c>/readership</c> (two charts drawn here as
/// SVG, the same figures in tables, a form to choose the period; no script) and
/// <c>/readership.csv</c> (one row per day, article, part and measure). Anything else there is 404.
/// </summary>
public sealed class ReadershipReport(IReadershipStore store, CatalogueProvider catalogue, IOptions<ReadershipOptions> options, TimeProvider clock)
{
    public const string PagePath = "/readership";
    public const string CsvPath = "/readership.csv";

    // The longest period one page shows (a little over two years).
    private const int MaxDays = 800;

    private const string Style = """
        body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d1d1b;background:#fbfaf7}
        h1,h2{font-weight:600}table{border-collapse:collapse;margin:1rem 0 2rem}caption{text-align:left;font-weight:600;padding:.25rem 0}
        th,td{border-bottom:1px solid #c9c4ba;padding:.3rem .75rem;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
        svg{max-width:100%;height:auto;display:block;margin:1rem 0}.bar{fill:#4f6f64}.few{fill:none;stroke:#4f6f64;stroke-dasharray:3 3}
        .label{fill:#1d1d1b;font-size:13px}.axis{stroke:#8a857c}label{margin-right:1rem}
        @media (prefers-color-scheme:dark){body{color:#ebe7df;background:#1c1d1f}.label{fill:#ebe7df}.bar{fill:#8fb3a5}.few{stroke:#8fb3a5}th,td{border-color:#4a4a48}}
        """;

    /// <summary>The page's one inline style, allowed by its hash and nothing else.</summary>
    private static readonly string Policy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)))}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    public async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        var path = request.Path.Value;
        if (path is not (PagePath or CsvPath))
        {
            await PlainAsync(response, StatusCodes.Status404NotFound, "Not found. The readership figures are at /readership and /readership.csv.");
            return;
        }

        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.Headers.Allow = "GET, HEAD";
            await PlainAsync(response, StatusCodes.Status405MethodNotAllowed, "Only GET and HEAD are answered here.");
            return;
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (!TryPeriod(request.Query["from"], today.AddDays(-29), out var first) || !TryPeriod(request.Query["to"], today, out var last)
            || last < first || last.DayNumber - first.DayNumber >= MaxDays)
        {
            await PlainAsync(response, StatusCodes.Status400BadRequest,
                $"The period is from and to, as dates (YYYY-MM-DD), from no later than to, at most {MaxDays} days apart.");
            return;
        }

        if (await store.ReadCountsAsync(first, last, context.RequestAborted) is not { } rows)
        {
            await PlainAsync(response, StatusCodes.Status503ServiceUnavailable, "The progress store cannot be read just now (see the site's log); try again shortly.");
            return;
        }

        var figures = new ReadershipFigures(first, last, rows, catalogue.Current, options.Value.ShownFrom);
        if (path == CsvPath)
        {
            response.ContentType = "text/csv; charset=utf-8";
            response.Headers.ContentDisposition = $"attachment; filename=\"readership-{ReadershipRows.Day(first)}-to-{ReadershipRows.Day(last)}.csv\"";
            await response.WriteAsync(Csv(figures), context.RequestAborted);
            return;
        }

        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentSecurityPolicy = Policy;
        await response.WriteAsync(Page(figures), context.RequestAborted);
    }

    private static bool TryPeriod(string? given, DateOnly otherwise, out DateOnly day)
    {
        day = otherwise;
        return string.IsNullOrEmpty(given) || DateOnly.TryParseExact(given, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    private static Task PlainAsync(HttpResponse response, int status, string text)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(text + "\n");
    }

    /// <summary>One row per day, article, part and measure; counts below the threshold as "fewer than N".</summary>
    public static string Csv(ReadershipFigures figures)
    {
        var csv = new StringBuilder("day,article,part,measure,count\n");
        foreach (var row in figures.Rows)
        {
            csv.Append(ReadershipRows.Day(row.Day)).Append(',').Append(Field(row.Tally.Article)).Append(',').Append(Field(row.Tally.Part))
                .Append(',').Append(Tally.NameOf(row.Tally.Measure)).Append(',').Append(figures.Export(row.Count)).Append('\n');
        }

        return csv.ToString();
    }

    // Slugs and the page names in parentheses hold no comma or quote; quoted all the same if one ever did.
    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Page(ReadershipFigures figures)
    {
        var from = ReadershipRows.Day(figures.First);
        var to = ReadershipRows.Day(figures.Last);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex"><title>Readership, {from} to {to}</title><style>{Style}</style></head>
            <body><main>
            <h1>Readership, {from} to {to}</h1>
            <p>Counted as pages are served: one number per page, measure and day (UTC), nothing about any reader.
            Counts below {figures.ShownFrom} are shown as “fewer than {figures.ShownFrom}”.</p>
            <form method="get" action="{PagePath}"><label>From <input type="date" name="from" value="{from}" required></label>
            <label>To <input type="date" name="to" value="{to}" required></label> <button type="submit">Show</button>
            <a href="{CsvPath}?from={from}&amp;to={to}">Download these figures as CSV</a></form>
            """);

        html.Append("<h2 id=\"funnel\">Views per part</h2>\n");
        Funnel(html, figures);
        html.Append("<h2 id=\"days\">Views per day</h2>\n");
        PerDay(html, figures);
        html.Append("<h2 id=\"figures\">The figures</h2>\n<table><caption>Views per page, ").Append(from).Append(" to ").Append(to)
            .Append("</caption>\n<thead><tr><th scope=\"col\">Page</th><th scope=\"col\">Readers’ views</th><th scope=\"col\">Of which at the neutral address</th><th scope=\"col\">Crawlers’ views</th></tr></thead><tbody>\n");
        foreach (var page in figures.Pages)
        {
            html.Append("<tr><th scope=\"row\">").Append(Html.Encode(page.Name)).Append("</th>")
                .Append(Cell(figures, page.ReaderViews)).Append(Cell(figures, page.NeutralAddressViews)).Append(Cell(figures, page.CrawlerViews)).Append("</tr>\n");
        }

        html.Append("</tbody></table>\n<table><caption>Readers’ views of all pages, per day (UTC)</caption>\n<thead><tr><th scope=\"col\">Day</th><th scope=\"col\">Views</th></tr></thead><tbody>\n");
        foreach (var day in figures.Days)
        {
            html.Append("<tr><th scope=\"row\">").Append(ReadershipRows.Day(day.Day)).Append("</th>").Append(Cell(figures, day.ReaderViews)).Append("</tr>\n");
        }

        html.Append("</tbody></table>\n<h2 id=\"actions\">What readers chose to do</h2>\n<table><caption>Over the whole period</caption>\n<thead><tr><th scope=\"col\">Action</th><th scope=\"col\">Times</th></tr></thead><tbody>\n");
        foreach (var (measure, count) in figures.Actions)
        {
            html.Append("<tr><th scope=\"row\">").Append(ActionName(measure)).Append("</th>").Append(Cell(figures, count)).Append("</tr>\n");
        }

        html.Append("</tbody></table>\n</main></body></html>\n");
        return html.ToString();
    }

    private static string Cell(ReadershipFigures figures, long count) => $"<td class=\"n\">{figures.Show(count)}</td>";

    private static string ActionName(Measure measure) => measure switch
    {
        Measure.ProgressOptIns => "Asked this site to remember their progress",
        Measure.ResumeLinksMade => "Made a private resume link",
        Measure.ResumeLinksUsed => "Used a resume link on another device",
        Measure.OfflineCopiesMade => "Kept the series on a device for offline reading",
        Measure.OfflineCopiesRemoved => "Removed the offline copy",
        Measure.FeedFetches => "Feed fetched",
        _ => Tally.NameOf(measure),
    };

    /// <summary>One bar per page, in reading order; a count below the threshold is an outline, not its length.</summary>
    private static void Funnel(StringBuilder svg, ReadershipFigures figures)
    {
        const int labelWidth = 150, barWidth = 480, rowHeight = 26, width = labelWidth + barWidth + 110;
        var height = figures.Pages.Length * rowHeight + 10;
        var max = Math.Max(1, figures.Pages.Where(p => figures.IsShown(p.ReaderViews)).Select(p => p.ReaderViews).DefaultIfEmpty(1).Max());
        svg.Append(CultureInfo.InvariantCulture, $"<svg role=\"img\" aria-labelledby=\"funnel-title\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">")
            .Append("<title id=\"funnel-title\">Readers’ views of each page, in reading order (figures in the table below)</title>\n");
        for (var i = 0; i < figures.Pages.Length; i++)
        {
            var page = figures.Pages[i];
            var y = i * rowHeight + 5;
            var name = page.ShortName.Length > 30 ? page.ShortName[..29] + "…" : page.ShortName;
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{labelWidth - 8}\" y=\"{y + 17}\" text-anchor=\"end\">{Html.Encode(name)}</text>");
            var shown = figures.IsShown(page.ReaderViews);
            var length = shown ? Math.Max(2, (int)(barWidth * page.ReaderViews / max)) : 24;
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"{(shown ? "bar" : "few")}\" x=\"{labelWidth}\" y=\"{y + 3}\" width=\"{length}\" height=\"{rowHeight - 8}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{labelWidth + length + 6}\" y=\"{y + 17}\">{figures.Show(page.ReaderViews)}</text>\n");
        }

        svg.Append("</svg>\n");
    }

    /// <summary>One column per day; a day below the threshold is an outline at the threshold's height.</summary>
    private static void PerDay(StringBuilder svg, ReadershipFigures figures)
    {
        const int plotHeight = 160, left = 50, bottom = 30, top = 10;
        var days = figures.Days.Length;
        var column = Math.Max(2, Math.Min(24, 760 / days));
        var width = left + days * column + 20;
        var height = top + plotHeight + bottom;
        var max = Math.Max(1, figures.Days.Where(d => figures.IsShown(d.ReaderViews)).Select(d => d.ReaderViews).DefaultIfEmpty(1).Max());
        svg.Append(CultureInfo.InvariantCulture, $"<svg role=\"img\" aria-labelledby=\"days-title\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">")
            .Append("<title id=\"days-title\">Readers’ views per day (figures in the table below)</title>\n")
            .Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{left}\" y1=\"{top + plotHeight}\" x2=\"{width - 10}\" y2=\"{top + plotHeight}\"/>")
            .Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{left - 6}\" y=\"{top + 12}\" text-anchor=\"end\">{figures.Show(max)}</text>")
            .Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{left - 6}\" y=\"{top + plotHeight}\" text-anchor=\"end\">0</text>\n");
        for (var i = 0; i < days; i++)
        {
            var day = figures.Days[i];
            var x = left + i * column + 1;
            if (figures.IsShown(day.ReaderViews))
            {
                var barHeight = Math.Max(1, (int)(plotHeight * day.ReaderViews / max));
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{x}\" y=\"{top + plotHeight - barHeight}\" width=\"{column - 2}\" height=\"{barHeight}\"/>");
            }
            else
            {
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"few\" x=\"{x}\" y=\"{top + plotHeight - 6}\" width=\"{column - 2}\" height=\"6\"/>");
            }
        }

        svg.Append(CultureInfo.InvariantCulture, $"\n<text class=\"label\" x=\"{left}\" y=\"{height - 8}\">{ReadershipRows.Day(figures.First)}</text>")
            .Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{width - 10}\" y=\"{height - 8}\" text-anchor=\"end\">{ReadershipRows.Day(figures.Last)}</text>\n</svg>\n");
    }
}
