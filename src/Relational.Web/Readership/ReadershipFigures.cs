using System.Collections.Immutable;
using System.Globalization;
using Relational.Content;

namespace Relational.Readership;

/// <summary>
/// The figures of one period, as the publisher sees them: views per page of each article (the
/// funnel), per day, and the actions, each count below <see cref="ReadershipOptions.ShownFrom"/>
/// shown only as "fewer than N".
/// </summary>
public sealed class ReadershipFigures
{
    private readonly int _shownFrom;

    public ReadershipFigures(DateOnly first, DateOnly last, IReadOnlyList<DailyCount> rows, ContentCatalogue catalogue, int shownFrom)
    {
        First = first;
        Last = last;
        _shownFrom = shownFrom;
        Rows = rows;
        var pages = new List<PageFigure>();
        foreach (var article in catalogue.Articles)
        {
            pages.Add(Page(article.Slug, Tally.Cover, $"{article.Title}: cover", "Cover"));
            pages.AddRange(article.Parts.Select(s => Page(article.Slug, s.Slug, $"Part {s.Number}: {s.Title}", $"Part {s.Number}")));
            pages.Add(Page(article.Slug, Tally.WholeArticle, $"{article.Title}: whole article on one page", "Whole article"));
        }

        // Pages counted once but no longer in the content: still shown, by their address.
        pages.AddRange(rows.Where(r => r.Tally.Measure is Measure.Views or Measure.NeutralAddressViews or Measure.CrawlerViews)
            .Select(r => (r.Tally.Article, r.Tally.Part)).Distinct()
            .Where(p => !pages.Any(known => known.Article == p.Article && known.Part == p.Part))
            .Select(p => Page(p.Article, p.Part, $"{p.Article}/{p.Part}", p.Part)));
        Pages = [.. pages];
        Days = [.. Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(i => first.AddDays(i))
            .Select(day => new DayFigure(day, Sum(r => r.Day == day && r.Tally.Measure is Measure.Views or Measure.NeutralAddressViews)))];
        Actions = [.. new[] { Measure.ProgressOptIns, Measure.ResumeLinksMade, Measure.ResumeLinksUsed, Measure.OfflineCopiesMade, Measure.OfflineCopiesRemoved, Measure.FeedFetches }
            .Select(m => (m, Sum(r => r.Tally.Measure == m)))];
    }

    /// <summary>The least count shown as it is.</summary>
    public int ShownFrom => _shownFrom;

    public DateOnly First { get; }

    public DateOnly Last { get; }

    public IReadOnlyList<DailyCount> Rows { get; }

    public ImmutableArray<PageFigure> Pages { get; }

    public ImmutableArray<DayFigure> Days { get; }

    public ImmutableArray<(Measure Measure, long Count)> Actions { get; }

    /// <summary>Whether a count may be shown as it is (else: "fewer than N").</summary>
    public bool IsShown(long count) => count >= _shownFrom;

    /// <summary>A count as the publisher may see it.</summary>
    public string Show(long count) => IsShown(count) ? count.ToString("N0", CultureInfo.InvariantCulture) : $"fewer than {_shownFrom}";

    /// <summary>A count as the CSV carries it: the number, or the same "fewer than N".</summary>
    public string Export(long count) => IsShown(count) ? count.ToString(CultureInfo.InvariantCulture) : $"fewer than {_shownFrom}";

    private long Sum(Func<DailyCount, bool> which) => Rows.Where(which).Sum(r => r.Count);

    private PageFigure Page(string article, string part, string name, string shortName)
    {
        long Of(Measure measure) => Sum(r => r.Tally.Article == article && r.Tally.Part == part && r.Tally.Measure == measure);
        return new PageFigure(article, part, name, shortName, Of(Measure.Views), Of(Measure.NeutralAddressViews), Of(Measure.CrawlerViews));
    }
}

/// <summary>A page's counts over the period: views at its own address, at the neutral one, and by crawlers.</summary>
public sealed record PageFigure(string Article, string Part, string Name, string ShortName, long Views, long NeutralAddressViews, long CrawlerViews)
{
    /// <summary>Readers' views, at either address.</summary>
    public long ReaderViews => Views + NeutralAddressViews;
}

public sealed record DayFigure(DateOnly Day, long ReaderViews);
