using Microsoft.Data.Sqlite;

namespace Relational.Progress;

/// <summary>
/// The connections of the SQLite store and what happens when they fail. Writes go one at a time
/// through a single long-lived connection that keeps its statements prepared (a reader's page view
/// is one short transaction, so parsing SQL would otherwise be most of its cost); reads take a
/// pooled connection. WAL (set once, it is kept in the file), foreign keys and the busy wait in the
/// connection string, and the schema brought up to date on first use. Any storage failure goes
/// through <see cref="StoreFaults"/> (logged once, short back-off) as
/// <see cref="ProgressUnavailableException"/>, and the next call after the back-off starts afresh,
/// so the store recovers by itself when the fault clears.
/// </summary>
internal sealed class SqliteStoreConnections : IDisposable
{
    private readonly string _connectionString;
    private readonly string _path;
    private readonly StoreFaults _faults;
    private readonly SemaphoreSlim _setUp = new(1, 1);

    // One writer at a time inside this process: SQLite lets only one write at once anyway, and
    // its busy retries (polling, unfair) starve writers under load until they give up.
    private readonly SemaphoreSlim _writer = new(1, 1);

    // Held only by whoever holds _writer; opened on first write, dropped after any fault.
    private SqliteWriter? _writerConnection;
    private volatile bool _ready;

    // Set by a fault seen outside the gate: the writer's connection may point at a file that is gone.
    private int _writerStale;

    // Lock waits in whole seconds, as Microsoft.Data.Sqlite counts them (0 would mean forever).
    private readonly int _busySeconds;
    private readonly int _pageViewBusySeconds;

    public SqliteStoreConnections(string path, TimeSpan busyTimeout, TimeSpan pageViewBusyTimeout, StoreFaults faults)
    {
        _path = path;
        _faults = faults;
        _busySeconds = WholeSeconds(busyTimeout);
        _pageViewBusySeconds = Math.Min(_busySeconds, WholeSeconds(pageViewBusyTimeout));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
            // Also how long a statement waits for another writer's lock before giving up.
            DefaultTimeout = _busySeconds,
        }.ToString();
    }

    private static int WholeSeconds(TimeSpan wait) => (int)Math.Ceiling(wait.TotalSeconds);

    public string Path => _path;

    public StoreFaults Faults => _faults;

    public void Dispose()
    {
        _writerConnection?.Dispose();
        _setUp.Dispose();
        _writer.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled read connection, or for a write on the writer's
    /// connection inside one <c>BEGIN IMMEDIATE</c> transaction that commits when it returns. A
    /// <paramref name="pageView"/> write waits for another process's lock only as long as
    /// <see cref="ProgressOptions.PageViewBusyTimeout"/>, since a page is waiting on it.
    /// </summary>
    public async Task<T> RunAsync<T>(bool write, Func<SqliteDb, Task<T>> work, CancellationToken cancellationToken, bool pageView = false)
    {
        _faults.ThrowIfBackingOff();
        SqliteConnection? connection = null;
        var writing = false;
        var refused = false;
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
                // While the store is faulted one write at a time tries it; other page views fail
                // at once instead of queueing, each to wait out the busy timeout in turn behind
                // the lock of another process (32 readers' pages stalled for minutes that way). A
                // save the reader asked for queues: if the try before it fails, the back-off
                // refuses it at once; if it works, so does the save.
                refused = pageView && _faults.IsFaulted && _writer.CurrentCount == 0;
                if (!refused)
                {
                    await _writer.WaitAsync(cancellationToken);
                    writing = true;
                    refused = _faults.IsBackingOff;
                }

                if (refused)
                {
                    _faults.ThrowIfBackingOff();
                    throw new ProgressUnavailableException("Reading progress cannot be stored right now; another save is trying.");
                }

                if (Interlocked.Exchange(ref _writerStale, 0) == 1)
                {
                    _writerConnection?.Dispose();
                    _writerConnection = null;
                }

                var writer = _writerConnection ??= await SqliteWriter.OpenAsync(_connectionString, cancellationToken);
                // BEGIN is run with the connection's default timeout, which is the lock wait.
                writer.Connection.DefaultTimeout = pageView ? _pageViewBusySeconds : _busySeconds;
                // BEGIN IMMEDIATE: take the write lock up front, so a writer in another process
                // makes this one wait (busy timeout) instead of failing on a read-to-write upgrade.
                await using var transaction = (SqliteTransaction)await writer.Connection.BeginTransactionAsync(cancellationToken);
                result = await work(new SqliteDb(writer.Connection, transaction, writer));
                await transaction.CommitAsync(cancellationToken);
            }
            else
            {
                connection = new SqliteConnection(_connectionString);
                await connection.OpenAsync(cancellationToken);
                result = await work(new SqliteDb(connection, null, null));
            }

            _faults.Succeeded(write);
            return result;
        }
        catch (Exception e) when (!refused && e is SqliteException or IOException or UnauthorizedAccessException or ProgressUnavailableException)
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

            throw _faults.Failed(e);
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

    /// <summary>
    /// SQLite maps the <c>-shm</c> file into memory. One it cannot write is opened read-only, and a
    /// later access past its end kills the whole process with SIGBUS, with no log line. So a
    /// write-protected one is refused here, before SQLite opens it, as a storage fault: logged once
    /// with this sentence, reading goes on. What cannot be caught here (the file changed to
    /// read-only while the site runs) is in docs/security.md.
    /// </summary>
    private void ThrowIfSharedMemoryIsWriteProtected()
    {
        var sharedMemory = _path + "-shm";
        if (!File.Exists(sharedMemory))
        {
            return;
        }

        try
        {
            using var probe = new FileStream(sharedMemory, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ProgressUnavailableException(
                $"The progress database's shared-memory file {sharedMemory} cannot be written, so the store is not used: make it writable, or remove it with the site stopped.", e);
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

            if (System.IO.Path.GetDirectoryName(_path) is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
            }

            ThrowIfSharedMemoryIsWriteProtected();
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await SqliteStoreMigrations.MigrateAsync(connection, cancellationToken);
            // Set once, the mode is kept in the file; asked again only when it is not WAL yet.
            var db = new SqliteDb(connection, null, null);
            if (!string.Equals(await db.ScalarAsync("PRAGMA journal_mode", cancellationToken) as string, "wal", StringComparison.OrdinalIgnoreCase))
            {
                await db.ExecuteAsync("PRAGMA journal_mode = WAL", cancellationToken);
            }
            _ready = true;
        }
        finally
        {
            _setUp.Release();
        }
    }
}

/// <summary>An open connection; for writes, its transaction and the writer's prepared statements.</summary>
internal readonly record struct SqliteDb(SqliteConnection Connection, SqliteTransaction? Transaction, SqliteWriter? Writer)
{
    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var statement = Statement(sql, parameters);
        return await statement.Command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var statement = Statement(sql, parameters);
        return await statement.Command.ExecuteScalarAsync(cancellationToken);
    }

    public SqliteStatement Statement(string sql, params (string Name, object Value)[] parameters)
    {
        if (Writer?.Prepared(sql) is { } prepared)
        {
            prepared.Transaction = Transaction;
            foreach (var (name, value) in parameters)
            {
                prepared.Parameters[name].Value = value;
            }

            return new SqliteStatement(prepared, Owned: false);
        }

        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
#pragma warning disable CA2100 // Every statement is a constant of the store; values go in as parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        Writer?.KeepPrepared(sql, command);
        return new SqliteStatement(command, Owned: Writer is null);
    }
}

/// <summary>A command for one use; one the writer keeps prepared is not disposed after it.</summary>
internal readonly record struct SqliteStatement(SqliteCommand Command, bool Owned) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Owned ? Command.DisposeAsync() : ValueTask.CompletedTask;
}

/// <summary>The one connection writes go through, and the commands it keeps prepared, by SQL text.</summary>
internal sealed class SqliteWriter(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    public static async Task<SqliteWriter> OpenAsync(string connectionString, CancellationToken cancellationToken)
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
            return new SqliteWriter(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public SqliteCommand? Prepared(string sql) => _prepared.GetValueOrDefault(sql);

    public void KeepPrepared(string sql, SqliteCommand command) => _prepared[sql] = command;

    public void Dispose()
    {
        foreach (var command in _prepared.Values)
        {
            command.Dispose();
        }

        connection.Dispose();
    }
}
