namespace Relational.Readership;

/// <summary>
/// The daily counts, kept in the progress store's own database (table <c>readership_daily</c>:
/// day, article, part, measure, count; nothing else). Every method throws
/// <see cref="Progress.ProgressUnavailableException"/> when the storage cannot be used.
/// </summary>
public interface IReadershipStore
{
    /// <summary>Adds each count to its day's row (several instances add to the same rows).</summary>
    Task AddCountsAsync(IReadOnlyCollection<DailyCount> counts, CancellationToken cancellationToken = default);

    /// <summary>Every row from <paramref name="first"/> to <paramref name="last"/>, both included.</summary>
    Task<IReadOnlyList<DailyCount>> ReadCountsAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken = default);

    /// <summary>Deletes the rows of days before <paramref name="firstKept"/>; returns how many.</summary>
    Task<int> PurgeCountsAsync(DateOnly firstKept, CancellationToken cancellationToken = default);
}

/// <summary>How both stores write a day and read a row back.</summary>
internal static class ReadershipRows
{
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static DailyCount? Read(System.Data.Common.DbDataReader row) =>
        Tally.Parse(row.GetString(3)) is { } measure
            ? new DailyCount(DateOnly.ParseExact(row.GetString(0), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                new Tally(row.GetString(1), row.GetString(2), measure), row.GetInt64(4))
            : null;

    /// <summary>In one order, so two instances adding the same rows at once take their locks alike.</summary>
    public static IEnumerable<DailyCount> Ordered(IEnumerable<DailyCount> counts) => counts
        .OrderBy(c => c.Day).ThenBy(c => c.Tally.Article, StringComparer.Ordinal)
        .ThenBy(c => c.Tally.Part, StringComparer.Ordinal).ThenBy(c => c.Tally.Measure);

    /// <summary>The rows from the first day to the last, given as parameters named <paramref name="first"/> and <paramref name="last"/>.</summary>
    public static string Select(string first, string last) =>
        $"SELECT day, article_slug, part, measure, count FROM readership_daily WHERE day >= {first} AND day <= {last} ORDER BY day, article_slug, part, measure";
}
