using System.Collections.Immutable;
using System.Data.Common;

namespace Relational.Progress;

/// <summary>
/// What every store reads and writes the same way: times as Unix milliseconds (UTC), secrets only
/// as their hash (<see cref="Secret.Hash"/>), and the rows of a reader mapped back to
/// <see cref="ReaderProgress"/>. Both stores select the same columns in the same order.
/// </summary>
public static class StoreRows
{
    public static long Milliseconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    /// <summary>
    /// Reads the reader row (id, created_at, last_active_at, saved_article, saved_part, saved_at,
    /// latest link time, device count as a 32-bit integer) and then, in the next result, their
    /// part rows (article_slug, part_slug, started_at, last_opened_at, finished_at).
    /// </summary>
    public static async Task<ReaderProgress?> ReadProgressAsync(DbDataReader rows, CancellationToken cancellationToken)
    {
        if (!await rows.ReadAsync(cancellationToken))
        {
            return null;
        }

        var reader = MapReader(rows);
        await rows.NextResultAsync(cancellationToken);
        var parts = ImmutableArray.CreateBuilder<PartProgress>();
        while (await rows.ReadAsync(cancellationToken))
        {
            parts.Add(MapPart(rows));
        }

        return reader with { Parts = parts.ToImmutable() };
    }

    private static ReaderProgress MapReader(DbDataReader row) => new(
        Time(row.GetInt64(1)),
        Time(row.GetInt64(2)),
        row.IsDBNull(3) ? null : new SavedPlace(new PartRef(row.GetString(3), row.GetString(4)), Time(row.GetInt64(5))),
        [],
        row.IsDBNull(6) ? null : Time(row.GetInt64(6)),
        row.GetInt32(7));

    private static PartProgress MapPart(DbDataReader row) => new(
        new PartRef(row.GetString(0), row.GetString(1)),
        Time(row.GetInt64(2)),
        Time(row.GetInt64(3)),
        row.IsDBNull(4) ? null : Time(row.GetInt64(4)));
}
