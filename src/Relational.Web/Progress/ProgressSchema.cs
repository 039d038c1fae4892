namespace Relational.Progress;

/// <summary>
/// The database's shape, one step per version: step N takes a file from <c>user_version</c> N to
/// N+1. Steps are only ever appended, never edited.
/// </summary>
internal static class ProgressSchema
{
    public static readonly string[] Steps =
    [
        // 1: readers, their device keys, per-part progress, resume links. Times are Unix milliseconds (UTC).
        """
        CREATE TABLE readers (
            id             INTEGER PRIMARY KEY,
            created_at     INTEGER NOT NULL,
            last_active_at INTEGER NOT NULL,
            saved_article  TEXT,
            saved_section  TEXT,
            saved_at       INTEGER
        );
        CREATE INDEX readers_by_last_active ON readers (last_active_at);

        CREATE TABLE reader_keys (
            key_hash   BLOB PRIMARY KEY,
            reader_id  INTEGER NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX reader_keys_by_reader ON reader_keys (reader_id);

        CREATE TABLE section_progress (
            reader_id      INTEGER NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
            article_slug   TEXT NOT NULL,
            section_slug   TEXT NOT NULL,
            started_at     INTEGER NOT NULL,
            last_opened_at INTEGER NOT NULL,
            finished_at    INTEGER,
            PRIMARY KEY (reader_id, article_slug, section_slug)
        ) WITHOUT ROWID;

        CREATE TABLE resume_links (
            token_hash BLOB PRIMARY KEY,
            reader_id  INTEGER NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX resume_links_by_reader ON resume_links (reader_id);
        """,

        // 2: readership, one count per UTC day (YYYY-MM-DD), article, part and measure; nothing about any reader.
        """
        CREATE TABLE readership_daily (
            day          TEXT NOT NULL,
            article_slug TEXT NOT NULL,
            part         TEXT NOT NULL,
            measure      TEXT NOT NULL,
            count        INTEGER NOT NULL,
            PRIMARY KEY (day, article_slug, part, measure)
        ) WITHOUT ROWID;
        """,

        // 3: one word for a page of an article, "part", in the database as in the code.
        """
        ALTER TABLE section_progress RENAME TO part_progress;
        ALTER TABLE part_progress RENAME COLUMN section_slug TO part_slug;
        ALTER TABLE readers RENAME COLUMN saved_section TO saved_part;
        """,
    ];

    public static int Version => Steps.Length;
}
