namespace Relational.Progress;

/// <summary>Settings from the <c>Progress</c> section (environment: <c>Progress__DatabasePath</c>, …).</summary>
public sealed class ProgressOptions
{
    public const string Section = "Progress";

    /// <summary>
    /// Where progress is kept: <see cref="ProgressStoreKind.Sqlite"/> (one file, one instance) or
    /// <see cref="ProgressStoreKind.PostgreSql"/> (shared by several instances; the connection
    /// string is <c>ConnectionStrings:Progress</c>).
    /// </summary>
    public ProgressStoreKind Store { get; set; } = ProgressStoreKind.Sqlite;

    /// <summary>
    /// The SQLite file. A relative path is taken from the repository root when running from
    /// source (the folder holding <c>Relational.sln</c>), else from the app's content root.
    /// </summary>
    public string DatabasePath { get; set; } = "data/progress.db";

    /// <summary>Days without any activity after which a reader's records are deleted.</summary>
    public int RetentionDays { get; set; } = 365;

    /// <summary>How often idle records are looked for and deleted.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long a SQLite statement waits for another process's write lock before giving up.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the mark a page view leaves waits for another process's write lock: the page waits
    /// on it, so it gives up sooner than a save the reader asked for (whole seconds; at least one).
    /// </summary>
    public TimeSpan PageViewBusyTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After a storage failure, how long calls fail at once without trying the database again, so
    /// pages are not slowed by a database that is down.
    /// </summary>
    public TimeSpan FaultBackOff { get; set; } = TimeSpan.FromSeconds(2);

    internal static string Resolve(string path, string contentRoot)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Relational.sln")))
            {
                return Path.GetFullPath(path, dir.FullName);
            }
        }

        return Path.GetFullPath(path, contentRoot);
    }
}

public enum ProgressStoreKind
{
    Sqlite,
    PostgreSql,
}
