using Relational.Readership;

namespace Relational.Progress;

/// <summary>The readership counts, in the same file as progress (schema step 2).</summary>
public sealed partial class SqliteReadingProgressStore : IReadershipStore
{
    public Task AddCountsAsync(IReadOnlyCollection<DailyCount> counts, CancellationToken cancellationToken = default) =>
        _db.RunAsync(write: true, async db =>
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
        }, cancellationToken);

    public Task<IReadOnlyList<DailyCount>> ReadCountsAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken = default) =>
        _db.RunAsync(write: false, async db =>
        {
            var found = new List<DailyCount>();
            await using var statement = db.Statement(ReadershipRows.Select("$first", "$last"),
                ("$first", ReadershipRows.Day(first)), ("$last", ReadershipRows.Day(last)));
            await using var rows = await statement.Command.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                if (ReadershipRows.Read(rows) is { } count)
                {
                    found.Add(count);
                }
            }

            return (IReadOnlyList<DailyCount>)found;
        }, cancellationToken);

    public Task<int> PurgeCountsAsync(DateOnly firstKept, CancellationToken cancellationToken = default) =>
        _db.RunAsync(write: true, db =>
            db.ExecuteAsync("DELETE FROM readership_daily WHERE day < $day", cancellationToken, ("$day", ReadershipRows.Day(firstKept))),
            cancellationToken);
}
