using System.Net.Sockets;
using Npgsql;

namespace Relational.Progress;

/// <summary>
/// The PostgreSQL store's connections: one <see cref="NpgsqlDataSource"/> with Npgsql's own pool,
/// connect and command timeouts of a few seconds unless the connection string sets its own (a dead
/// database must not hold a reader's page for long), statements prepared automatically, and the
/// schema brought up to date on first use. Failures go through <see cref="StoreFaults"/>.
/// </summary>
internal sealed class PostgreSqlStoreConnections : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly StoreFaults _faults;
    private readonly SemaphoreSlim _setUp = new(1, 1);
    private volatile bool _ready;

    public PostgreSqlStoreConnections(string connectionString, TimeSpan backOff, TimeProvider clock, ILogger logger)
    {
        var settings = Settings(connectionString);
        _dataSource = new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
        _faults = new StoreFaults(Describe(settings), backOff, clock, logger);
    }

    /// <summary>
    /// The connection string with this site's defaults for what it leaves out. Throws
    /// <see cref="ArgumentException"/> for one Npgsql cannot read.
    /// </summary>
    public static NpgsqlConnectionStringBuilder Settings(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(settings.Host))
        {
            throw new ArgumentException("it names no Host");
        }

        // Connect, and wait for a pooled connection, at most this long.
        if (!Mentions(connectionString, "Timeout"))
        {
            settings.Timeout = 5;
        }

        // A 2-core database server does best with a few busy connections, not one per request:
        // requests beyond this wait briefly for a pooled one (within Timeout).
        if (!Mentions(connectionString, "Maximum Pool Size", "Max Pool Size", "MaxPoolSize"))
        {
            settings.MaxPoolSize = 16;
        }

        if (!Mentions(connectionString, "Command Timeout", "CommandTimeout"))
        {
            settings.CommandTimeout = 5;
        }

        if (!Mentions(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
        {
            settings.MaxAutoPrepare = 32;
        }

        // Parameter values (hashes, slugs) stay out of exception messages, and so out of the log.
        settings.IncludeErrorDetail = false;
        settings.ApplicationName ??= "relational";
        return settings;
    }

    /// <summary>Where the database is, for the log: host, port and database, never the password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder settings) =>
        $"PostgreSQL {settings.Host}:{settings.Port}/{settings.Database ?? settings.Username}";

    public StoreFaults Faults => _faults;

    public ValueTask DisposeAsync()
    {
        _setUp.Dispose();
        return _dataSource.DisposeAsync();
    }

    /// <summary>Runs <paramref name="work"/> on a pooled connection; <paramref name="write"/>: whether it writes (only a write that works ends a fault).</summary>
    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken, bool write = true)
    {
        _faults.ThrowIfBackingOff();
        try
        {
            if (!_ready)
            {
                await SetUpAsync(cancellationToken);
            }

            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            var result = await work(connection);
            _faults.Succeeded(write);
            return result;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or SocketException or ProgressUnavailableException
                                   || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // After a restart of the server every pooled connection is dead: start afresh, and
            // check the schema again (it may be a new, empty database).
            _ready = false;
            _dataSource.Clear();
            throw _faults.Failed(e);
        }
    }

    private async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await _setUp.WaitAsync(cancellationToken);
        try
        {
            if (!_ready)
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                await PostgreSqlStoreMigrations.MigrateAsync(connection, cancellationToken);
                _ready = true;
            }
        }
        finally
        {
            _setUp.Release();
        }
    }

    private static bool Mentions(string connectionString, params string[] keywords) =>
        connectionString.Split(';').Any(part => keywords.Any(k => part.Split('=')[0].Trim().Equals(k, StringComparison.OrdinalIgnoreCase)));
}

/// <summary>Small helpers for statements with positional parameters (<c>$1</c>, <c>$2</c>, …).</summary>
internal static class PostgreSqlCommands
{
    public static NpgsqlBatchCommand Step(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    public static NpgsqlBatch Batch(NpgsqlConnection connection, NpgsqlTransaction? transaction, params NpgsqlBatchCommand[] steps)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        foreach (var step in steps)
        {
            batch.BatchCommands.Add(step);
        }

        return batch;
    }

    public static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken, params NpgsqlBatchCommand[] steps)
    {
        await using var batch = Batch(connection, transaction, steps);
        return await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken, params NpgsqlBatchCommand[] steps)
    {
        await using var batch = Batch(connection, transaction, steps);
        return await batch.ExecuteScalarAsync(cancellationToken);
    }
}
