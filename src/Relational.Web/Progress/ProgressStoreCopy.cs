using Microsoft.Data.Sqlite;
using Npgsql;

namespace Relational.Progress;

/// <summary>
/// Moving to PostgreSQL: copies every row of a SQLite progress file into a PostgreSQL database
/// (brought to the current schema first), in one transaction, keeping ids, hashes and times. The
/// target must hold no readers yet, so nothing is copied twice. Run with the site stopped:
/// <c>dotnet Relational.Web.dll --copy-progress-to-postgresql</c>.
/// </summary>
public static class ProgressStoreCopy
{
    internal static readonly (string Table, string Columns)[] Tables =
    [
        ("readers", "id, created_at, last_active_at, saved_article, saved_part, saved_at"),
        ("reader_keys", "key_hash, reader_id, created_at"),
        ("part_progress", "reader_id, article_slug, part_slug, started_at, last_opened_at, finished_at"),
        ("resume_links", "token_hash, reader_id, created_at"),
        ("readership_daily", "day, article_slug, part, measure, count"),
    ];

    /// <summary>The command: copies <c>Progress:DatabasePath</c> into <c>ConnectionStrings:Progress</c>, says so in one line.</summary>
    public static async Task<int> RunAsync(IConfiguration configuration, string contentRoot)
    {
        var path = ProgressOptions.Resolve(configuration["Progress:DatabasePath"] ?? new ProgressOptions().DatabasePath, contentRoot);
        var connectionString = configuration.GetConnectionString(ProgressExtensions.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await Console.Error.WriteLineAsync("Set ConnectionStrings:Progress (environment: ConnectionStrings__Progress) to the PostgreSQL database to copy into.");
            return 1;
        }

        try
        {
            var copied = await CopyAsync(path, connectionString);
            Console.WriteLine($"Copied {copied} reader(s) from {path} into PostgreSQL.");
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or NpgsqlException or SqliteException or ArgumentException or ProgressUnavailableException)
        {
            await Console.Error.WriteLineAsync($"Nothing was copied: {e.Message}");
            return 1;
        }
    }

    /// <summary>Returns how many readers were copied.</summary>
    public static async Task<long> CopyAsync(string sqlitePath, string postgreSqlConnectionString, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(sqlitePath))
        {
            throw new InvalidOperationException($"There is no progress file at {sqlitePath}.");
        }

        await using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = sqlitePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await source.OpenAsync(cancellationToken);
        await using (var version = source.CreateCommand())
        {
            version.CommandText = "PRAGMA user_version";
            if ((long)(await version.ExecuteScalarAsync(cancellationToken))! != ProgressSchema.Version)
            {
                throw new InvalidOperationException("The progress file is not at the schema version this code knows; start the site on it once, then copy.");
            }
        }

        await using var target = new NpgsqlConnection(PostgreSqlStoreConnections.Settings(postgreSqlConnectionString).ConnectionString);
        await target.OpenAsync(cancellationToken);
        await PostgreSqlStoreMigrations.MigrateAsync(target, cancellationToken);
        await using var transaction = await target.BeginTransactionAsync(cancellationToken);
        await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM readers)", target, transaction))
        {
            if ((bool)(await any.ExecuteScalarAsync(cancellationToken))!)
            {
                throw new InvalidOperationException("The PostgreSQL database already holds readers; copy into an empty one.");
            }
        }

        foreach (var (table, columns) in Tables)
        {
            await using var read = source.CreateCommand();
#pragma warning disable CA2100 // Table and column names are constants of this class.
            read.CommandText = $"SELECT {columns} FROM {table}";
#pragma warning restore CA2100
            await using var rows = await read.ExecuteReaderAsync(cancellationToken);
            await using var write = await target.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                await write.StartRowAsync(cancellationToken);
                for (var i = 0; i < rows.FieldCount; i++)
                {
                    if (rows.IsDBNull(i))
                    {
                        await write.WriteNullAsync(cancellationToken);
                    }
                    else
                    {
                        await write.WriteAsync(rows.GetValue(i), cancellationToken);
                    }
                }
            }

            await write.CompleteAsync(cancellationToken);
        }

        // New readers get ids after the copied ones.
        await using (var identity = new NpgsqlCommand("SELECT setval(pg_get_serial_sequence('readers', 'id'), coalesce(max(id), 0) + 1, false) FROM readers", target, transaction))
        {
            await identity.ExecuteNonQueryAsync(cancellationToken);
        }

        long copied;
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM readers", target, transaction))
        {
            copied = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        await transaction.CommitAsync(cancellationToken);
        return copied;
    }
}
