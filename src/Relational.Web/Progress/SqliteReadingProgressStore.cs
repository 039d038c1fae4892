using Microsoft.Extensions.Options;

namespace Relational.Progress;

/// <summary>
/// <see cref="IReadingProgressStore"/> on one SQLite file: the queries. Connections, faults and
/// set-up are in <see cref="SqliteStoreConnections"/>, the schema steps in <see cref="ProgressSchema"/>.
/// </summary>
public sealed partial class SqliteReadingProgressStore : IReadingProgressStore, IDisposable
{
    private readonly SqliteStoreConnections _db;
    private readonly TimeSpan _retention;
    private readonly TimeProvider _clock;

    public SqliteReadingProgressStore(
        IOptions<ProgressOptions> options,
        IHostEnvironment environment,
        TimeProvider clock,
        ILogger<SqliteReadingProgressStore> logger)
    {
        var path = ProgressOptions.Resolve(options.Value.DatabasePath, environment.ContentRootPath);
        _retention = TimeSpan.FromDays(options.Value.RetentionDays);
        _clock = clock;
        _db = new SqliteStoreConnections(path, options.Value.BusyTimeout, options.Value.PageViewBusyTimeout, new StoreFaults(path, options.Value.FaultBackOff, clock, logger));
    }

    public string DatabasePath => _db.Path;

    public void Dispose() => _db.Dispose();

    public Task RememberAsync(ReaderKey key, PartRef? opened = null, CancellationToken cancellationToken = default) =>
        _db.RunAsync(write: true, async db =>
        {
            var now = Now();
            var readerId = (long)(await db.ScalarAsync(
                "INSERT INTO readers (created_at, last_active_at) VALUES ($now, $now) RETURNING id",
                cancellationToken, ("$now", now)))!;
            await db.ExecuteAsync(
                "INSERT INTO reader_keys (key_hash, reader_id, created_at) VALUES ($key, $reader, $now)",
                cancellationToken, ("$key", key.Hash()), ("$reader", readerId), ("$now", now));
            if (opened is { } part)
            {
                await db.ExecuteAsync(
                    "INSERT INTO part_progress (reader_id, article_slug, part_slug, started_at, last_opened_at) VALUES ($reader, $article, $part, $now, $now)",
                    cancellationToken, ("$reader", readerId), ("$article", part.Article), ("$part", part.Part), ("$now", now));
            }

            return true;
        }, cancellationToken);

    public Task<ReaderProgress?> FindAsync(ReaderKey key, CancellationToken cancellationToken = default) =>
        _db.RunAsync(write: false, db => ReadProgressAsync(db, ByKey, key.Hash(), cancellationToken), cancellationToken);

    public Task<ReaderProgress?> RecordOpenedAsync(ReaderKey key, PartRef opened, PartRef? previous, CancellationToken cancellationToken = default) =>
        _db.Faults.RunForPageAsync(cancel => RecordAsync(key, opened, previous, cancel), cancellationToken);

    private async Task<ReaderProgress?> RecordAsync(ReaderKey key, PartRef opened, PartRef? previous, CancellationToken cancellationToken) =>
        !await IsKnownAsync(key, cancellationToken) ? null : await _db.RunAsync(write: true, async db =>
        {
            if (await TouchAsync(db, key, cancellationToken) is not { } readerId)
            {
                return null;
            }

            var now = Now();
            await db.ExecuteAsync(
                """
                INSERT INTO part_progress (reader_id, article_slug, part_slug, started_at, last_opened_at)
                VALUES ($reader, $article, $part, $now, $now)
                ON CONFLICT DO UPDATE SET last_opened_at = excluded.last_opened_at
                """,
                cancellationToken, ("$reader", readerId), ("$article", opened.Article), ("$part", opened.Part), ("$now", now));
            if (previous is { } before)
            {
                await db.ExecuteAsync(
                    """
                    UPDATE part_progress SET finished_at = $now
                    WHERE reader_id = $reader AND article_slug = $article AND part_slug = $part AND finished_at IS NULL
                    """,
                    cancellationToken, ("$reader", readerId), ("$article", before.Article), ("$part", before.Part), ("$now", now));
            }

            return await ReadProgressAsync(db, ByKey, key.Hash(), cancellationToken);
        }, cancellationToken, pageView: true);

    public Task<bool> MarkFinishedAsync(ReaderKey key, PartRef part, CancellationToken cancellationToken = default) =>
        WriteForReaderAsync(key, (db, readerId, now) => db.ExecuteAsync(
            """
            INSERT INTO part_progress (reader_id, article_slug, part_slug, started_at, last_opened_at, finished_at)
            VALUES ($reader, $article, $part, $now, $now, $now)
            ON CONFLICT DO UPDATE SET finished_at = coalesce(finished_at, excluded.finished_at)
            """,
            cancellationToken, ("$reader", readerId), ("$article", part.Article), ("$part", part.Part), ("$now", now)),
            cancellationToken);

    public Task<bool> SavePlaceAsync(ReaderKey key, PartRef part, CancellationToken cancellationToken = default) =>
        WriteForReaderAsync(key, (db, readerId, now) => db.ExecuteAsync(
            "UPDATE readers SET saved_article = $article, saved_part = $part, saved_at = $now WHERE id = $reader",
            cancellationToken, ("$reader", readerId), ("$article", part.Article), ("$part", part.Part), ("$now", now)),
            cancellationToken);

    public async Task<ResumeToken?> CreateResumeLinkAsync(ReaderKey key, CancellationToken cancellationToken = default)
    {
        var token = ResumeToken.New();
        var created = await WriteForReaderAsync(key, async (db, readerId, now) =>
        {
            await db.ExecuteAsync("DELETE FROM resume_links WHERE reader_id = $reader", cancellationToken, ("$reader", readerId));
            await db.ExecuteAsync(
                "INSERT INTO resume_links (token_hash, reader_id, created_at) VALUES ($token, $reader, $now)",
                cancellationToken, ("$token", token.Hash()), ("$reader", readerId), ("$now", now));
        }, cancellationToken);
        return created ? token : null;
    }

    public Task<ReaderProgress?> FindByResumeLinkAsync(ResumeToken token, CancellationToken cancellationToken = default) =>
        _db.RunAsync(write: false, db => ReadProgressAsync(db, ByResumeLink, token.Hash(), cancellationToken), cancellationToken);

    public Task<bool> RevokeResumeLinkAsync(ReaderKey key, CancellationToken cancellationToken = default) =>
        WriteForReaderAsync(key, (db, readerId, _) =>
            db.ExecuteAsync("DELETE FROM resume_links WHERE reader_id = $reader", cancellationToken, ("$reader", readerId)),
            cancellationToken);

    public Task<bool> AdoptAsync(ResumeToken token, ReaderKey newKey, ReaderKey? previousKey, CancellationToken cancellationToken = default) =>
        _db.RunAsync(write: true, async db =>
        {
            // Used once: the link is gone as soon as a device has adopted it.
            if (await db.ScalarAsync("DELETE FROM resume_links WHERE token_hash = $token RETURNING reader_id",
                    cancellationToken, ("$token", token.Hash())) is not long readerId)
            {
                return false;
            }

            var now = Now();
            if (previousKey is not null
                && await db.ScalarAsync("DELETE FROM reader_keys WHERE key_hash = $key RETURNING reader_id",
                    cancellationToken, ("$key", previousKey.Hash())) is long previousReader
                && previousReader != readerId)
            {
                await db.ExecuteAsync(
                    "DELETE FROM readers WHERE id = $reader AND NOT EXISTS (SELECT 1 FROM reader_keys WHERE reader_id = $reader)",
                    cancellationToken, ("$reader", previousReader));
            }

            await db.ExecuteAsync(
                "INSERT INTO reader_keys (key_hash, reader_id, created_at) VALUES ($key, $reader, $now)",
                cancellationToken, ("$key", newKey.Hash()), ("$reader", readerId), ("$now", now));
            await db.ExecuteAsync("UPDATE readers SET last_active_at = $now WHERE id = $reader",
                cancellationToken, ("$reader", readerId), ("$now", now));
            return true;
        }, cancellationToken);

    public Task<bool> ForgetAsync(ReaderKey key, CancellationToken cancellationToken = default) =>
        _db.RunAsync(write: true, async db =>
            await db.ExecuteAsync(
                "DELETE FROM readers WHERE id = (SELECT reader_id FROM reader_keys WHERE key_hash = $key)",
                cancellationToken, ("$key", key.Hash())) > 0,
            cancellationToken);

    public Task<int> PurgeIdleAsync(CancellationToken cancellationToken = default) =>
        _db.RunAsync(write: true, db =>
            db.ExecuteAsync("DELETE FROM readers WHERE last_active_at < $cutoff",
                cancellationToken, ("$cutoff", StoreRows.Milliseconds(_clock.GetUtcNow() - _retention))),
            cancellationToken);

    /// <summary>A reader's progress, found by one of their device keys (<c>$id</c>).</summary>
    private static readonly string ByKey = ProgressQuery("SELECT reader_id FROM reader_keys WHERE key_hash = $id");

    /// <summary>The progress a live resume link (<c>$id</c>) carries.</summary>
    private static readonly string ByResumeLink = ProgressQuery("SELECT reader_id FROM resume_links WHERE token_hash = $id");

    /// <summary>The two statements that read one reader's progress; <paramref name="readerOf"/> selects the reader's id.</summary>
    private static string ProgressQuery(string readerOf) =>
        $"""
        SELECT r.id, r.created_at, r.last_active_at, r.saved_article, r.saved_part, r.saved_at,
               (SELECT max(created_at) FROM resume_links WHERE reader_id = r.id),
               (SELECT count(*) FROM reader_keys WHERE reader_id = r.id)
        FROM readers r
        WHERE r.id = ({readerOf});
        SELECT article_slug, part_slug, started_at, last_opened_at, finished_at
        FROM part_progress
        WHERE reader_id = ({readerOf})
        ORDER BY article_slug, started_at;
        """;

    private static async Task<ReaderProgress?> ReadProgressAsync(SqliteDb db, string query, byte[] id, CancellationToken cancellationToken)
    {
        await using var statement = db.Statement(query, ("$id", id));
        await using var rows = await statement.Command.ExecuteReaderAsync(cancellationToken);
        return await StoreRows.ReadProgressAsync(rows, cancellationToken);
    }

    private async Task<bool> WriteForReaderAsync(ReaderKey key, Func<SqliteDb, long, long, Task> write, CancellationToken cancellationToken) =>
        await IsKnownAsync(key, cancellationToken) && await _db.RunAsync(write: true, async db =>
        {
            if (await TouchAsync(db, key, cancellationToken) is not { } readerId)
            {
                return false;
            }

            await write(db, readerId, Now());
            return true;
        }, cancellationToken);

    /// <summary>
    /// A read on a pooled connection, before any write for a reader: a key that names no one (a
    /// forged or forgotten cookie) costs that read only, never a turn at the one writer.
    /// </summary>
    private Task<bool> IsKnownAsync(ReaderKey key, CancellationToken cancellationToken) =>
        _db.RunAsync(write: false, async db =>
            await db.ScalarAsync("SELECT 1 FROM reader_keys WHERE key_hash = $key", cancellationToken, ("$key", key.Hash())) is not null,
            cancellationToken);

    /// <summary>Marks the key's reader active now; returns its id, or null if the key is unknown.</summary>
    private async Task<long?> TouchAsync(SqliteDb db, ReaderKey key, CancellationToken cancellationToken) =>
        await db.ScalarAsync(
            "UPDATE readers SET last_active_at = $now WHERE id = (SELECT reader_id FROM reader_keys WHERE key_hash = $key) RETURNING id",
            cancellationToken, ("$now", Now()), ("$key", key.Hash())) as long?;

    private long Now() => StoreRows.Milliseconds(_clock.GetUtcNow());
}
