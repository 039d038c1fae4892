using Relational.Readership;
using static Relational.Progress.PostgreSqlCommands;

namespace Relational.Progress;

/// <summary>The readership counts, in the same database as progress (schema step 2).</summary>
public sealed partial class PostgreSqlReadingProgressStore : IReadershipStore
{
    /// <summary>One statement: the rows of every instance add up, whichever writes first.</summary>
    public Task<bool> AddCountsAsync(IReadOnlyCollection<DailyCount> counts, CancellationToken cancellationToken = default) =>
        Refused.Or(false, () => _db.RunAsync(async connection =>
        {
            var ordered = ReadershipRows.Ordered(counts).ToArray();
            await ExecuteAsync(connection, null, cancellationToken, Step(
                """
                INSERT INTO readership_daily (day, article_slug, part, measure, count)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
                ON CONFLICT (day, article_slug, part, measure) DO UPDATE SET count = readership_daily.count + excluded.count
                """,
                ordered.Select(c => ReadershipRows.Day(c.Day)).ToArray(), ordered.Select(c => c.Tally.Article).ToArray(),
                ordered.Select(c => c.Tally.Part).ToArray(), ordered.Select(c => Tally.NameOf(c.Tally.Measure)).ToArray(),
                ordered.Select(c => c.Count).ToArray()));
            return true;
        }, cancellationToken));

    public Task<IReadOnlyList<DailyCount>?> ReadCountsAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken = default) =>
        Refused.Or<IReadOnlyList<DailyCount>?>(null, () => _db.RunAsync(async connection =>
        {
            await using var batch = Batch(connection, null, Step(ReadershipRows.Select("$1", "$2"), ReadershipRows.Day(first), ReadershipRows.Day(last)));
            await using var rows = await batch.ExecuteReaderAsync(cancellationToken);
            return (IReadOnlyList<DailyCount>?)await ReadershipRows.ReadAllAsync(rows, cancellationToken);
        }, cancellationToken));

    public Task<int?> PurgeCountsAsync(DateOnly firstKept, CancellationToken cancellationToken = default) =>
        Refused.Or<int?>(null, async () => await _db.RunAsync(connection =>
            ExecuteAsync(connection, null, cancellationToken, Step("DELETE FROM readership_daily WHERE day < $1", ReadershipRows.Day(firstKept))),
            cancellationToken));
}
