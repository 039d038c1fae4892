using Npgsql;

namespace Relational.Progress;

/// <summary>
/// The PostgreSQL schema, one step per version, applied in order and recorded in
/// <c>progress_schema</c>. Steps are only ever appended, never edited. Instances starting at the
/// same moment queue on a transaction-level advisory lock, so each step runs once.
/// </summary>
internal static class PostgreSqlStoreMigrations
{
    /// <summary>The advisory lock the migrations take (any fixed number unique to this site).</summary>
    public const long MigrationLock = 0x52656c6174696f6e; // "Relation"

    /// <summary>The advisory lock the retention purge takes, so one instance purges at a time.</summary>
    public const long PurgeLock = MigrationLock + 1;

    // Same tables and columns as the SQLite store (ProgressSchema), so a file can be copied across.
    // Times are Unix milliseconds (UTC); secrets are stored only as their SHA-256 hash.
    public static readonly string[] Steps =
    [
        """
        CREATE TABLE readers (
            id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            created_at     bigint NOT NULL,
            last_active_at bigint NOT NULL,
            saved_article  text,
            saved_section  text,
            saved_at       bigint
        );
        CREATE INDEX readers_by_last_active ON readers (last_active_at);

        CREATE TABLE reader_keys (
            key_hash   bytea PRIMARY KEY,
            reader_id  bigint NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
            created_at bigint NOT NULL
        );
        CREATE INDEX reader_keys_by_reader ON reader_keys (reader_id);

        CREATE TABLE section_progress (
            reader_id      bigint NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
            article_slug   text NOT NULL,
            section_slug   text NOT NULL,
            started_at     bigint NOT NULL,
            last_opened_at bigint NOT NULL,
            finished_at    bigint,
            PRIMARY KEY (reader_id, article_slug, section_slug)
        );

        CREATE TABLE resume_links (
            token_hash bytea PRIMARY KEY,
            reader_id  bigint NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
            created_at bigint NOT NULL
        );
        CREATE INDEX resume_links_by_reader ON resume_links (reader_id);
        """,
        """
        CREATE TABLE readership_daily (
            day          text NOT NULL,
            article_slug text NOT NULL,
            part         text NOT NULL,
            measure      text NOT NULL,
            count        bigint NOT NULL,
            PRIMARY KEY (day, article_slug, part, measure)
        );
        """,
        """
        ALTER TABLE section_progress RENAME TO part_progress;
        ALTER INDEX section_progress_pkey RENAME TO part_progress_pkey;
        ALTER TABLE part_progress RENAME COLUMN section_slug TO part_slug;
        ALTER TABLE readers RENAME COLUMN saved_section TO saved_part;
        """,
    ];

    public static int Version => Steps.Length;

    public static async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = MigrationLock });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = new NpgsqlCommand(
            "CREATE TABLE IF NOT EXISTS progress_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        int version;
        await using (var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM progress_schema", connection, transaction))
        {
            version = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        if (version > Version)
        {
            throw new ProgressUnavailableException(
                $"The progress database is at schema version {version}, newer than this code knows ({Version}). It was left untouched.");
        }

        for (; version < Version; version++)
        {
#pragma warning disable CA2100 // The steps are constants of this class.
            await using (var step = new NpgsqlCommand(Steps[version], connection, transaction))
#pragma warning restore CA2100
            {
                await step.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var record = new NpgsqlCommand("INSERT INTO progress_schema (version) VALUES ($1)", connection, transaction);
            record.Parameters.Add(new NpgsqlParameter { Value = version + 1 });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
