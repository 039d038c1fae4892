using Microsoft.Data.Sqlite;

namespace Relational.Progress;

/// <summary>
/// Brings a SQLite progress file to <see cref="ProgressSchema.Version"/>, one step per transaction,
/// the version kept in the file's <c>user_version</c>. A file newer than this code is refused untouched.
/// </summary>
internal static class SqliteStoreMigrations
{
    public static async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // Looked at first without the write lock: a file already up to date (every start but the
        // first, and every recovery after a fault) must not wait for another process's lock.
        if (IsUpToDate((long)(await new SqliteDb(connection, null, null).ScalarAsync("PRAGMA user_version", cancellationToken))!))
        {
            return;
        }

        while (true)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var db = new SqliteDb(connection, transaction, null);
            var version = (long)(await db.ScalarAsync("PRAGMA user_version", cancellationToken))!;
            if (IsUpToDate(version))
            {
                return;
            }

            await db.ExecuteAsync(ProgressSchema.Steps[version], cancellationToken);
            // PRAGMA takes no parameters; the value is our own integer.
            await db.ExecuteAsync($"PRAGMA user_version = {version + 1}", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static bool IsUpToDate(long version) => version > ProgressSchema.Version
        ? throw new ProgressUnavailableException(
            $"The progress database is at schema version {version}, newer than this code knows ({ProgressSchema.Version}). It was left untouched.")
        : version == ProgressSchema.Version;
}
