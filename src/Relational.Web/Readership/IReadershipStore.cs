namespace Relational.Readership;

/// <summary>
/// The daily counts, kept in the progress store's own database (table <c>readership_daily</c>:
/// day, article, part, measure, count; nothing else). When the storage cannot be used (the store
/// has logged why) a method says so by its result: false or null.
/// </summary>
public interface IReadershipStore
{
    /// <summary>Adds each count to its day's row (several instances add to the same rows); false: nothing was added.</summary>
    Task<bool> AddCountsAsync(IReadOnlyCollection<DailyCount> counts, CancellationToken cancellationToken = default);

    /// <summary>Every row from <paramref name="first"/> to <paramref name="last"/>, both included; null: cannot be read now.</summary>
    Task<IReadOnlyList<DailyCount>?> ReadCountsAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken = default);

    /// <summary>Deletes the rows of days before <paramref name="firstKept"/>; returns how many, or null when it cannot now.</summary>
    Task<int?> PurgeCountsAsync(DateOnly firstKept, CancellationToken cancellationToken = default);
}

/// <summary>How both stores write a day and read a row back.</summary>
internal static class ReadershipRows
{
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every row the reader holds (day, article, part, measure, count), skipping a measure this code does not know.</summary>
    public static async Task<List<DailyCount>> ReadAllAsync(System.Data.Common.DbDataReader rows, CancellationToken cancellationToken)
    {
        var found = new List<DailyCount>();
        while (await rows.ReadAsync(cancellationToken))
        {
            if (Read(rows) is { } count)
            {
                found.Add(count);
            }
        }

        return found;
    }

    private static DailyCount? Read(System.Data.Common.DbDataReader row) =>
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
