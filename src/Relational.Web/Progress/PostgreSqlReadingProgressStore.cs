using Npgsql;
using static Relational.Progress.PostgreSqlCommands;

namespace Relational.Progress;

/// <summary>
/// <see cref="IReadingProgressStore"/> on PostgreSQL, for several instances of the site sharing one
/// database: the queries. A page view is one batch (one round trip, one implicit transaction);
/// each statement finds the reader through the hash of its key, so an unknown key matches no row
/// and writes nothing. Connections, faults and schema are in <see cref="PostgreSqlStoreConnections"/>.
/// </summary>
public sealed partial class PostgreSqlReadingProgressStore : IReadingProgressStore, IAsyncDisposable
{
    private const string ReaderOf = "(SELECT reader_id FROM reader_keys WHERE key_hash = $1)";

    private readonly PostgreSqlStoreConnections _db;
    private readonly TimeSpan _retention;
    private readonly TimeProvider _clock;

    public PostgreSqlReadingProgressStore(string connectionString, ProgressOptions options, TimeProvider clock, ILogger<PostgreSqlReadingProgressStore> logger)
    {
        _retention = TimeSpan.FromDays(options.RetentionDays);
        _clock = clock;
        _db = new PostgreSqlStoreConnections(connectionString, options.FaultBackOff, clock, logger);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    /// <summary>One batch, so one implicit transaction: the part is started with the reader or not at all.</summary>
    public Task RememberAsync(ReaderKey key, PartRef? opened = null, CancellationToken cancellationToken = default)
    {
        var hash = key.Hash();
        var now = Now();
        var steps = new List<NpgsqlBatchCommand>
        {
            Step(
                """
                WITH reader AS (INSERT INTO readers (created_at, last_active_at) VALUES ($2, $2) RETURNING id)
                INSERT INTO reader_keys (key_hash, reader_id, created_at) SELECT $1, id, $2 FROM reader
                """,
                hash, now),
        };
        if (opened is { } part)
        {
            steps.Add(Step(
                """
                INSERT INTO part_progress (reader_id, article_slug, part_slug, started_at, last_opened_at)
                SELECT reader_id, $2, $3, $4, $4 FROM reader_keys WHERE key_hash = $1
                """,
                hash, part.Article, part.Part, now));
        }

        return _db.RunAsync(connection => ExecuteAsync(connection, null, cancellationToken, [.. steps]), cancellationToken);
    }

    public Task<ReaderProgress?> FindAsync(ReaderKey key, CancellationToken cancellationToken = default) =>
        _db.RunAsync(async connection =>
        {
            await using var batch = Batch(connection, null, ReadProgress(key));
            await using var rows = await batch.ExecuteReaderAsync(cancellationToken);
            return await StoreRows.ReadProgressAsync(rows, cancellationToken);
        }, cancellationToken, write: false);

    public Task<ReaderProgress?> RecordOpenedAsync(ReaderKey key, PartRef opened, PartRef? previous, CancellationToken cancellationToken = default) =>
        _db.Faults.RunForPageAsync(cancel => RecordAsync(key, opened, previous, cancel), cancellationToken);

    private Task<ReaderProgress?> RecordAsync(ReaderKey key, PartRef opened, PartRef? previous, CancellationToken cancellationToken) =>
        _db.RunAsync(async connection =>
        {
            var hash = key.Hash();
            var now = Now();
            var steps = new List<NpgsqlBatchCommand>
            {
                Touch(hash, now),
                Step($"""
                    INSERT INTO part_progress (reader_id, article_slug, part_slug, started_at, last_opened_at)
                    SELECT reader_id, $2, $3, $4, $4 FROM reader_keys WHERE key_hash = $1
                    ON CONFLICT (reader_id, article_slug, part_slug) DO UPDATE SET last_opened_at = excluded.last_opened_at
                    """, hash, opened.Article, opened.Part, now),
            };
            if (previous is { } before)
            {
                steps.Add(Step($"""
                    UPDATE part_progress SET finished_at = $4
                    WHERE reader_id = {ReaderOf} AND article_slug = $2 AND part_slug = $3 AND finished_at IS NULL
                    """, hash, before.Article, before.Part, now));
            }

            steps.AddRange(ReadProgress(key));
            try
            {
                await using var batch = Batch(connection, null, [.. steps]);
                await using var rows = await batch.ExecuteReaderAsync(cancellationToken);
                return await StoreRows.ReadProgressAsync(rows, cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                // Forgotten on another device between two statements of this view: nothing to record.
                return null;
            }
        }, cancellationToken);

    public Task<bool> MarkFinishedAsync(ReaderKey key, PartRef part, CancellationToken cancellationToken = default) =>
        WriteForReaderAsync(key, (hash, now) =>
        [
            Step("""
                INSERT INTO part_progress (reader_id, article_slug, part_slug, started_at, last_opened_at, finished_at)
                SELECT reader_id, $2, $3, $4, $4, $4 FROM reader_keys WHERE key_hash = $1
                ON CONFLICT (reader_id, article_slug, part_slug) DO UPDATE SET finished_at = coalesce(part_progress.finished_at, excluded.finished_at)
                """, hash, part.Article, part.Part, now),
        ], cancellationToken);

    public Task<bool> SavePlaceAsync(ReaderKey key, PartRef part, CancellationToken cancellationToken = default) =>
        WriteForReaderAsync(key, (hash, now) =>
        [
            Step($"UPDATE readers SET saved_article = $2, saved_part = $3, saved_at = $4 WHERE id = {ReaderOf}",
                hash, part.Article, part.Part, now),
        ], cancellationToken);

    public async Task<ResumeToken?> CreateResumeLinkAsync(ReaderKey key, CancellationToken cancellationToken = default)
    {
        var token = ResumeToken.New();
        var created = await WriteForReaderAsync(key, (hash, now) =>
        [
            Step($"DELETE FROM resume_links WHERE reader_id = {ReaderOf}", hash),
            Step("INSERT INTO resume_links (token_hash, reader_id, created_at) SELECT $2, reader_id, $3 FROM reader_keys WHERE key_hash = $1",
                hash, token.Hash(), now),
        ], cancellationToken);
        return created ? token : null;
    }

    public Task<ReaderProgress?> FindByResumeLinkAsync(ResumeToken token, CancellationToken cancellationToken = default) =>
        _db.RunAsync(async connection =>
        {
            await using var batch = Batch(connection, null, ReadProgress(token.Hash(), "(SELECT reader_id FROM resume_links WHERE token_hash = $1)"));
            await using var rows = await batch.ExecuteReaderAsync(cancellationToken);
            return await StoreRows.ReadProgressAsync(rows, cancellationToken);
        }, cancellationToken, write: false);

    public Task<bool> RevokeResumeLinkAsync(ReaderKey key, CancellationToken cancellationToken = default) =>
        WriteForReaderAsync(key, (hash, _) => [Step($"DELETE FROM resume_links WHERE reader_id = {ReaderOf}", hash)], cancellationToken);

    public Task<bool> AdoptAsync(ResumeToken token, ReaderKey newKey, ReaderKey? previousKey, CancellationToken cancellationToken = default) =>
        _db.RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // Used once: the link is gone as soon as a device has adopted it (and the row lock held
            // until commit keeps its reader from being forgotten under this adoption).
            if (await ScalarAsync(connection, transaction, cancellationToken,
                    Step("DELETE FROM resume_links WHERE token_hash = $1 RETURNING reader_id", token.Hash())) is not long readerId)
            {
                return false;
            }

            var now = Now();
            if (previousKey is not null
                && await ScalarAsync(connection, transaction, cancellationToken,
                    Step("DELETE FROM reader_keys WHERE key_hash = $1 RETURNING reader_id", previousKey.Hash())) is long previousReader
                && previousReader != readerId)
            {
                await ExecuteAsync(connection, transaction, cancellationToken, Step(
                    "DELETE FROM readers WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM reader_keys WHERE reader_id = $1)", previousReader));
            }

            await ExecuteAsync(connection, transaction, cancellationToken,
                Step("INSERT INTO reader_keys (key_hash, reader_id, created_at) VALUES ($1, $2, $3)", newKey.Hash(), readerId, now),
                Step("UPDATE readers SET last_active_at = $2 WHERE id = $1", readerId, now));
            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken);

    public Task<bool> ForgetAsync(ReaderKey key, CancellationToken cancellationToken = default) =>
        _db.RunAsync(async connection =>
            await ExecuteAsync(connection, null, cancellationToken, Step($"DELETE FROM readers WHERE id = {ReaderOf}", key.Hash())) > 0,
            cancellationToken);

    /// <summary>Run by one instance at a time: the others find the lock taken and skip this round.</summary>
    public Task<int> PurgeIdleAsync(CancellationToken cancellationToken = default) =>
        _db.RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (await ScalarAsync(connection, transaction, cancellationToken,
                    Step("SELECT pg_try_advisory_xact_lock($1)", PostgreSqlStoreMigrations.PurgeLock)) is not true)
            {
                return 0;
            }

            var purged = await ExecuteAsync(connection, transaction, cancellationToken,
                Step("DELETE FROM readers WHERE last_active_at < $1", StoreRows.Milliseconds(_clock.GetUtcNow() - _retention)));
            await transaction.CommitAsync(cancellationToken);
            return purged;
        }, cancellationToken);

    private static NpgsqlBatchCommand[] ReadProgress(ReaderKey key) => ReadProgress(key.Hash(), ReaderOf);

    /// <summary>The two statements that read one reader's progress; <paramref name="readerOf"/> selects the reader's id from <c>$1</c>.</summary>
    private static NpgsqlBatchCommand[] ReadProgress(byte[] hash, string readerOf)
    {
        return
        [
            Step($"""
                SELECT r.id, r.created_at, r.last_active_at, r.saved_article, r.saved_part, r.saved_at,
                       (SELECT max(created_at) FROM resume_links WHERE reader_id = r.id),
                       (SELECT count(*)::integer FROM reader_keys WHERE reader_id = r.id)
                FROM readers r
                WHERE r.id = {readerOf}
                """, hash),
            Step($"""
                SELECT article_slug, part_slug, started_at, last_opened_at, finished_at
                FROM part_progress WHERE reader_id = {readerOf}
                ORDER BY article_slug, started_at
                """, hash),
        ];
    }

    /// <summary>Marks the key's reader active now (the first step of every write for a reader).</summary>
    private static NpgsqlBatchCommand Touch(byte[] hash, long now) =>
        Step($"UPDATE readers SET last_active_at = $2 WHERE id = {ReaderOf}", hash, now);

    /// <summary>One batch: the touch, then the steps; false when the key names no reader (nothing written).</summary>
    private Task<bool> WriteForReaderAsync(ReaderKey key, Func<byte[], long, NpgsqlBatchCommand[]> steps, CancellationToken cancellationToken) =>
        _db.RunAsync(async connection =>
        {
            var hash = key.Hash();
            var now = Now();
            var touch = Touch(hash, now);
            try
            {
                await ExecuteAsync(connection, null, cancellationToken, [touch, .. steps(hash, now)]);
                return touch.RecordsAffected > 0;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                return false;
            }
        }, cancellationToken);

    private long Now() => StoreRows.Milliseconds(_clock.GetUtcNow());
}
