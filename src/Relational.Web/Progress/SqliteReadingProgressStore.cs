using System.Collections.Immutable;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Relational.Progress;

/// <summary>
/// <see cref="IReadingProgressStore"/> on one SQLite file. Writes go one at a time through a single
/// long-lived connection that keeps its statements prepared (a reader's page view is one short
/// transaction, so parsing SQL would otherwise be most of its cost); reads take a pooled connection.
/// WAL (set once, it is kept in the file), foreign keys and the busy wait in the connection string,
/// and the schema brought up to date step by step on first use. Any storage failure is logged once
/// with its cause, turned into <see cref="ProgressUnavailableException"/>, and retried on the next
/// call, so the store recovers by itself when the fault clears.
/// </summary>
public sealed partial class SqliteReadingProgressStore : IReadingProgressStore, IDisposable
{
    private readonly string _connectionString;
    private readonly string _path;
    private readonly TimeSpan _retention;
    private readonly TimeProvider _clock;
    private readonly ILogger<SqliteReadingProgressStore> _logger;
    private readonly SemaphoreSlim _setUp = new(1, 1);

    // One writer at a time inside this process: SQLite lets only one write at once anyway, and
    // its busy retries (polling, unfair) starve writers under load until they give up.
    private readonly SemaphoreSlim _writer = new(1, 1);

    // Held only by whoever holds _writer; opened on first write, dropped after any fault.
    private Writer? _writerConnection;
    private volatile bool _ready;
    private int _faulted;

    // Set by a fault seen outside the gate: the writer's connection may point at a file that is gone.
    private int _writerStale;

    public SqliteReadingProgressStore(
        IOptions<ProgressOptions> options,
        IHostEnvironment environment,
        TimeProvider clock,
        ILogger<SqliteReadingProgressStore> logger)
    {
        _path = ProgressOptions.Resolve(options.Value.DatabasePath, environment.ContentRootPath);
        _retention = TimeSpan.FromDays(Math.Max(1, options.Value.RetentionDays));
        _clock = clock;
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
            // Also how long a statement waits for another writer's lock before giving up.
            DefaultTimeout = 10,
        }.ToString();
    }

    public string DatabasePath => _path;

    public void Dispose()
    {
        _writerConnection?.Dispose();
        _setUp.Dispose();
        _writer.Dispose();
    }

    public Task RememberAsync(ReaderKey key, CancellationToken cancellationToken = default) =>
        RunAsync(write: true, async db =>
        {
            var now = Now();
            var readerId = (long)(await ScalarAsync(db,
                "INSERT INTO readers (created_at, last_active_at) VALUES ($now, $now) RETURNING id",
                cancellationToken, ("$now", now)))!;
            await ExecuteAsync(db,
                "INSERT INTO reader_keys (key_hash, reader_id, created_at) VALUES ($key, $reader, $now)",
                cancellationToken, ("$key", key.Hash()), ("$reader", readerId), ("$now", now));
            return true;
        }, cancellationToken);

    public Task<ReaderProgress?> FindAsync(ReaderKey key, CancellationToken cancellationToken = default) =>
        RunAsync(write: false, db => ReadProgressAsync(db, key, cancellationToken), cancellationToken);

    public Task<ReaderProgress?> RecordOpenedAsync(ReaderKey key, SectionRef opened, SectionRef? previous, CancellationToken cancellationToken = default) =>
        RunAsync(write: true, async db =>
        {
            if (await TouchAsync(db, key, cancellationToken) is not { } readerId)
            {
                return null;
            }

            var now = Now();
            await ExecuteAsync(db,
                """
                INSERT INTO section_progress (reader_id, article_slug, section_slug, started_at, last_opened_at)
                VALUES ($reader, $article, $section, $now, $now)
                ON CONFLICT DO UPDATE SET last_opened_at = excluded.last_opened_at
                """,
                cancellationToken, ("$reader", readerId), ("$article", opened.Article), ("$section", opened.Section), ("$now", now));
            if (previous is { } before)
            {
                await ExecuteAsync(db,
                    """
                    UPDATE section_progress SET finished_at = $now
                    WHERE reader_id = $reader AND article_slug = $article AND section_slug = $section AND finished_at IS NULL
                    """,
                    cancellationToken, ("$reader", readerId), ("$article", before.Article), ("$section", before.Section), ("$now", now));
            }

            var progress = await ReadProgressAsync(db, key, cancellationToken);
            return progress;
        }, cancellationToken);

    public Task<bool> MarkFinishedAsync(ReaderKey key, SectionRef part, CancellationToken cancellationToken = default) =>
        WriteForReaderAsync(key, (db, readerId, now) => ExecuteAsync(db,
            """
            INSERT INTO section_progress (reader_id, article_slug, section_slug, started_at, last_opened_at, finished_at)
            VALUES ($reader, $article, $section, $now, $now, $now)
            ON CONFLICT DO UPDATE SET finished_at = coalesce(finished_at, excluded.finished_at)
            """,
            cancellationToken, ("$reader", readerId), ("$article", part.Article), ("$section", part.Section), ("$now", now)),
            cancellationToken);

    public Task<bool> SavePlaceAsync(ReaderKey key, SectionRef part, CancellationToken cancellationToken = default) =>
        WriteForReaderAsync(key, (db, readerId, now) => ExecuteAsync(db,
            "UPDATE readers SET saved_article = $article, saved_section = $section, saved_at = $now WHERE id = $reader",
            cancellationToken, ("$reader", readerId), ("$article", part.Article), ("$section", part.Section), ("$now", now)),
            cancellationToken);

    public async Task<ResumeToken?> CreateResumeLinkAsync(ReaderKey key, CancellationToken cancellationToken = default)
    {
        var token = ResumeToken.New();
        var created = await WriteForReaderAsync(key, async (db, readerId, now) =>
        {
            await ExecuteAsync(db, "DELETE FROM resume_links WHERE reader_id = $reader", cancellationToken, ("$reader", readerId));
            await ExecuteAsync(db,
                "INSERT INTO resume_links (token_hash, reader_id, created_at) VALUES ($token, $reader, $now)",
                cancellationToken, ("$token", token.Hash()), ("$reader", readerId), ("$now", now));
        }, cancellationToken);
        return created ? token : null;
    }

    public Task<bool> ResumeLinkExistsAsync(ResumeToken token, CancellationToken cancellationToken = default) =>
        RunAsync(write: false, async db =>
            await ScalarAsync(db, "SELECT 1 FROM resume_links WHERE token_hash = $token", cancellationToken, ("$token", token.Hash())) is not null,
            cancellationToken);

    public Task<bool> RevokeResumeLinkAsync(ReaderKey key, CancellationToken cancellationToken = default) =>
        WriteForReaderAsync(key, (db, readerId, _) =>
            ExecuteAsync(db, "DELETE FROM resume_links WHERE reader_id = $reader", cancellationToken, ("$reader", readerId)),
            cancellationToken);

    public Task<bool> AdoptAsync(ResumeToken token, ReaderKey newKey, ReaderKey? previousKey, CancellationToken cancellationToken = default) =>
        RunAsync(write: true, async db =>
        {
            if (await ScalarAsync(db, "SELECT reader_id FROM resume_links WHERE token_hash = $token",
                    cancellationToken, ("$token", token.Hash())) is not long readerId)
            {
                return false;
            }

            var now = Now();
            if (previousKey is not null
                && await ScalarAsync(db, "DELETE FROM reader_keys WHERE key_hash = $key RETURNING reader_id",
                    cancellationToken, ("$key", previousKey.Hash())) is long previousReader
                && previousReader != readerId)
            {
                await ExecuteAsync(db,
                    "DELETE FROM readers WHERE id = $reader AND NOT EXISTS (SELECT 1 FROM reader_keys WHERE reader_id = $reader)",
                    cancellationToken, ("$reader", previousReader));
            }

            await ExecuteAsync(db,
                "INSERT INTO reader_keys (key_hash, reader_id, created_at) VALUES ($key, $reader, $now)",
                cancellationToken, ("$key", newKey.Hash()), ("$reader", readerId), ("$now", now));
            await ExecuteAsync(db, "UPDATE readers SET last_active_at = $now WHERE id = $reader",
                cancellationToken, ("$reader", readerId), ("$now", now));
            return true;
        }, cancellationToken);

    public Task<bool> ForgetAsync(ReaderKey key, CancellationToken cancellationToken = default) =>
        RunAsync(write: true, async db =>
            await ExecuteAsync(db,
                "DELETE FROM readers WHERE id = (SELECT reader_id FROM reader_keys WHERE key_hash = $key)",
                cancellationToken, ("$key", key.Hash())) > 0,
            cancellationToken);

    public Task<int> PurgeIdleAsync(CancellationToken cancellationToken = default) =>
        RunAsync(write: true, db =>
            ExecuteAsync(db, "DELETE FROM readers WHERE last_active_at < $cutoff",
                cancellationToken, ("$cutoff", (_clock.GetUtcNow() - _retention).ToUnixTimeMilliseconds())),
            cancellationToken);

    // ---- reading rows

    private static async Task<ReaderProgress?> ReadProgressAsync(Db db, ReaderKey key, CancellationToken cancellationToken)
    {
        await using var statement = db.Statement(
            """
            SELECT r.id, r.created_at, r.last_active_at, r.saved_article, r.saved_section, r.saved_at,
                   (SELECT max(created_at) FROM resume_links WHERE reader_id = r.id),
                   (SELECT count(*) FROM reader_keys WHERE reader_id = r.id)
            FROM reader_keys k JOIN readers r ON r.id = k.reader_id
            WHERE k.key_hash = $key;
            SELECT article_slug, section_slug, started_at, last_opened_at, finished_at
            FROM section_progress
            WHERE reader_id = (SELECT reader_id FROM reader_keys WHERE key_hash = $key)
            ORDER BY article_slug, started_at;
            """,
            ("$key", key.Hash()));
        await using var rows = await statement.Command.ExecuteReaderAsync(cancellationToken);
        if (!await rows.ReadAsync(cancellationToken))
        {
            return null;
        }

        var reader = MapReader(rows);
        await rows.NextResultAsync(cancellationToken);
        var sections = ImmutableArray.CreateBuilder<SectionProgress>();
        while (await rows.ReadAsync(cancellationToken))
        {
            sections.Add(MapSection(rows));
        }

        return reader with { Sections = sections.ToImmutable() };
    }

    /// <summary>Maps a row of <c>readers</c> (with its link and device counts).</summary>
    private static ReaderProgress MapReader(DbDataReader row) => new(
        Time(row.GetInt64(1)),
        Time(row.GetInt64(2)),
        row.IsDBNull(3) ? null : new SavedPlace(new SectionRef(row.GetString(3), row.GetString(4)), Time(row.GetInt64(5))),
        [],
        row.IsDBNull(6) ? null : Time(row.GetInt64(6)),
        row.GetInt32(7));

    /// <summary>Maps a row of <c>section_progress</c>.</summary>
    private static SectionProgress MapSection(DbDataReader row) => new(
        new SectionRef(row.GetString(0), row.GetString(1)),
        Time(row.GetInt64(2)),
        Time(row.GetInt64(3)),
        row.IsDBNull(4) ? null : Time(row.GetInt64(4)));

    // ---- plumbing

    private Task<bool> WriteForReaderAsync(ReaderKey key, Func<Db, long, long, Task> write, CancellationToken cancellationToken) =>
        RunAsync(write: true, async db =>
        {
            if (await TouchAsync(db, key, cancellationToken) is not { } readerId)
            {
                return false;
            }

            await write(db, readerId, Now());
            return true;
        }, cancellationToken);

    /// <summary>Marks the key's reader active now; returns its id, or null if the key is unknown.</summary>
    private async Task<long?> TouchAsync(Db db, ReaderKey key, CancellationToken cancellationToken) =>
        await ScalarAsync(db,
            "UPDATE readers SET last_active_at = $now WHERE id = (SELECT reader_id FROM reader_keys WHERE key_hash = $key) RETURNING id",
            cancellationToken, ("$now", Now()), ("$key", key.Hash())) as long?;

    private async Task<T> RunAsync<T>(bool write, Func<Db, Task<T>> work, CancellationToken cancellationToken)
    {
        SqliteConnection? connection = null;
        var writing = false;
        try
        {
            // A file deleted under pooled connections would silently take their writes with it.
            if (_ready && !File.Exists(_path))
            {
                throw new ProgressUnavailableException("The progress database file is gone; a new one is started.");
            }

            if (!_ready)
            {
                await SetUpAsync(cancellationToken);
            }

            T result;
            if (write)
            {
                await _writer.WaitAsync(cancellationToken);
                writing = true;
                if (Interlocked.Exchange(ref _writerStale, 0) == 1)
                {
                    _writerConnection?.Dispose();
                    _writerConnection = null;
                }

                var writer = _writerConnection ??= await Writer.OpenAsync(_connectionString, cancellationToken);
                // BEGIN IMMEDIATE: take the write lock up front, so a writer in another process
                // makes this one wait (busy timeout) instead of failing on a read-to-write upgrade.
                await using var transaction = (SqliteTransaction)await writer.Connection.BeginTransactionAsync(cancellationToken);
                result = await work(new Db(writer.Connection, transaction, writer));
                await transaction.CommitAsync(cancellationToken);
            }
            else
            {
                connection = new SqliteConnection(_connectionString);
                await connection.OpenAsync(cancellationToken);
                result = await work(new Db(connection, null, null));
            }

            if (Interlocked.Exchange(ref _faulted, 0) == 1)
            {
                LogRecovered();
            }

            return result;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException or ProgressUnavailableException)
        {
            _ready = false;
            if (writing)
            {
                _writerConnection?.Dispose();
                _writerConnection = null;
            }
            else
            {
                Interlocked.Exchange(ref _writerStale, 1);
            }

            // A pooled connection to a file that went bad stays bad (it may even hold a deleted
            // file open): start afresh next time.
            using (var pool = new SqliteConnection(_connectionString))
            {
                SqliteConnection.ClearPool(pool);
            }

            if (Interlocked.Exchange(ref _faulted, 1) == 0)
            {
                LogUnavailable(e, _path);
            }

            throw e as ProgressUnavailableException ?? new ProgressUnavailableException("Reading progress cannot be stored right now.", e);
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            if (writing)
            {
                _writer.Release();
            }
        }
    }

    /// <summary>Creates the folder, turns on WAL and brings the schema up to date; once, until a fault.</summary>
    private async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await _setUp.WaitAsync(cancellationToken);
        try
        {
            if (_ready)
            {
                return;
            }

            if (Path.GetDirectoryName(_path) is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
            }

            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await MigrateAsync(connection, cancellationToken);
            await ExecuteAsync(new Db(connection, null, null), "PRAGMA journal_mode = WAL", cancellationToken);
            _ready = true;
        }
        finally
        {
            _setUp.Release();
        }
    }

    internal static async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var db = new Db(connection, transaction, null);
            var version = (long)(await ScalarAsync(db, "PRAGMA user_version", cancellationToken))!;
            if (version > ProgressSchema.Version)
            {
                throw new ProgressUnavailableException(
                    $"The progress database is at schema version {version}, newer than this code knows ({ProgressSchema.Version}). It was left untouched.");
            }

            if (version == ProgressSchema.Version)
            {
                return;
            }

            await ExecuteAsync(db, ProgressSchema.Steps[version], cancellationToken);
            // PRAGMA takes no parameters; the value is our own integer.
            await ExecuteAsync(db, $"PRAGMA user_version = {version + 1}", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private long Now() => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    private static async Task<int> ExecuteAsync(Db db, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var statement = db.Statement(sql, parameters);
        return await statement.Command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(Db db, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var statement = db.Statement(sql, parameters);
        return await statement.Command.ExecuteScalarAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading progress cannot be stored in {DatabasePath}; reading goes on without it until this clears")]
    private partial void LogUnavailable(Exception cause, string databasePath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading progress storage works again")]
    private partial void LogRecovered();

    /// <summary>An open connection; for writes, its transaction and the writer's prepared statements.</summary>
    private readonly record struct Db(SqliteConnection Connection, SqliteTransaction? Transaction, Writer? Writer)
    {
        public Statement Statement(string sql, params (string Name, object Value)[] parameters)
        {
            if (Writer?.Prepared(sql) is { } prepared)
            {
                prepared.Transaction = Transaction;
                foreach (var (name, value) in parameters)
                {
                    prepared.Parameters[name].Value = value;
                }

                return new Statement(prepared, Owned: false);
            }

            var command = Connection.CreateCommand();
            command.Transaction = Transaction;
#pragma warning disable CA2100 // Every statement is a constant of this class; values go in as parameters.
            command.CommandText = sql;
#pragma warning restore CA2100
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            Writer?.Keep(sql, command);
            return new Statement(command, Owned: Writer is null);
        }
    }

    /// <summary>A command for one use; one the writer keeps prepared is not disposed after it.</summary>
    private readonly record struct Statement(SqliteCommand Command, bool Owned) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Owned ? Command.DisposeAsync() : ValueTask.CompletedTask;
    }

    /// <summary>The one connection writes go through, and the commands it keeps prepared, by SQL text.</summary>
    private sealed class Writer(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);

        public SqliteConnection Connection => connection;

        public static async Task<Writer> OpenAsync(string connectionString, CancellationToken cancellationToken)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
                // Not a connection-string keyword, so set once per connection. In WAL mode NORMAL
                // cannot corrupt the file; a power cut may lose the last few marks, not older ones.
                await using var synchronous = connection.CreateCommand();
                synchronous.CommandText = "PRAGMA synchronous = NORMAL";
                await synchronous.ExecuteNonQueryAsync(cancellationToken);
                return new Writer(connection);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        public SqliteCommand? Prepared(string sql) => _prepared.GetValueOrDefault(sql);

        public void Keep(string sql, SqliteCommand command) => _prepared[sql] = command;

        public void Dispose()
        {
            foreach (var command in _prepared.Values)
            {
                command.Dispose();
            }

            connection.Dispose();
        }
    }
}
