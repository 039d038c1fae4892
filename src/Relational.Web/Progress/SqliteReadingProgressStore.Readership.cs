using Relational.Readership;

namespace Relational.Progress;

/// <summary>The readership counts, in the same file as progress (schema step 2).</summary>
public sealed partial class SqliteReadingProgressStore : IReadershipStore
{
    public Task<bool> AddCountsAsync(IReadOnlyCollection<DailyCount> counts, CancellationToken cancellationToken = default) =>
        Refused.Or(false, () => _db.RunAsync(write: true, async db =>
        {
            foreach (var count in ReadershipRows.Ordered(counts))
            {
                await db.ExecuteAsync(
                    """
                    INSERT INTO readership_daily (day, article_slug, part, measure, count) VALUES ($day, $article, $part, $measure, $count)
                    ON CONFLICT DO UPDATE SET count = count + excluded.count
                    """,
                    cancellationToken, ("$day", ReadershipRows.Day(count.Day)), ("$article", count.Tally.Article),
                    ("$part", count.Tally.Part), ("$measure", Tally.NameOf(count.Tally.Measure)), ("$count", count.Count));
            }

            return true;
        }, cancellationToken));

    public Task<IReadOnlyList<DailyCount>?> ReadCountsAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken = default) =>
        Refused.Or<IReadOnlyList<DailyCount>?>(null, () => _db.RunAsync(write: false, async db =>
        {
            await using var statement = db.Statement(ReadershipRows.Select("$first", "$last"),
                ("$first", ReadershipRows.Day(first)), ("$last", ReadershipRows.Day(last)));
            await using var rows = await statement.Command.ExecuteReaderAsync(cancellationToken);
            return (IReadOnlyList<DailyCount>?)await ReadershipRows.ReadAllAsync(rows, cancellationToken);
        }, cancellationToken));

    public Task<int?> PurgeCountsAsync(DateOnly firstKept, CancellationToken cancellationToken = default) =>
        Refused.Or<int?>(null, async () => await _db.RunAsync(write: true, db =>
            db.ExecuteAsync("DELETE FROM readership_daily WHERE day < $day", cancellationToken, ("$day", ReadershipRows.Day(firstKept))),
            cancellationToken));
}

/// <summary>A readership call the store refuses (it is down; logged once by the store) gives a plain answer instead.</summary>
internal static class Refused
{
    public static async Task<T> Or<T>(T answer, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ProgressUnavailableException)
        {
            return answer;
        }
    }
}
