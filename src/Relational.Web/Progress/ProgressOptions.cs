using Microsoft.Extensions.Options;
using Relational.Site;

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
    /// The SQLite file. A relative path is taken from the app's own folder (the content root):
    /// run from source, that is the build's output folder, so <c>dotnet run</c> needs no setting.
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

    internal static string Resolve(string path, string contentRoot) => Path.GetFullPath(path, contentRoot);
}

/// <summary>The <c>Progress</c> settings and, for PostgreSQL, <c>ConnectionStrings:Progress</c>. Never names the password.</summary>
internal sealed class ProgressChecks(IConfiguration configuration) : IValidateOptions<ProgressOptions>
{
    public ValidateOptionsResult Validate(string? name, ProgressOptions options)
    {
        var connection = options.Store == ProgressStoreKind.PostgreSql ? ConnectionStringProblem() : null;
        return new SettingChecks()
            .Require(connection is null, connection ?? "")
            .Require(options.Store != ProgressStoreKind.Sqlite || options.DatabasePath.Trim().Length > 0,
                "Progress:DatabasePath must name the SQLite file (for example data/progress.db)")
            .Require(options.RetentionDays >= 1, "Progress:RetentionDays must be at least 1 (days)")
            .Require(options.PurgeInterval > TimeSpan.Zero, "Progress:PurgeInterval must be longer than zero (for example 06:00:00)")
            .Require(options.BusyTimeout > TimeSpan.Zero, "Progress:BusyTimeout must be longer than zero (for example 00:00:10)")
            .Require(options.PageViewBusyTimeout > TimeSpan.Zero, "Progress:PageViewBusyTimeout must be longer than zero (for example 00:00:01)")
            .Require(options.FaultBackOff >= TimeSpan.Zero, "Progress:FaultBackOff must not be negative")
            .Result;
    }

    private string? ConnectionStringProblem()
    {
        var connectionString = configuration.GetConnectionString(ProgressExtensions.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "Progress:Store is PostgreSql but ConnectionStrings:Progress (environment: ConnectionStrings__Progress) is not set";
        }

        try
        {
            PostgreSqlStoreConnections.Settings(connectionString);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            return "Progress:Store is PostgreSql but ConnectionStrings:Progress is not a valid Npgsql connection string (for example: Host=db;Database=relational;Username=relational;Password=…)";
        }
    }
}

public enum ProgressStoreKind
{
    Sqlite,
    PostgreSql,
}
