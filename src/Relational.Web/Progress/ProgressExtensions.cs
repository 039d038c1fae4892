using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Relational.Progress;

public static class ProgressExtensions
{
    public const string ConnectionStringName = "Progress";

    /// <summary>
    /// The store and its purge. Nothing opens the database here: the first use does, so start-up
    /// never fails because the database is down. The pages under <c>/progress</c> are mapped with
    /// the other Razor Pages. Call <see cref="StartupProblem"/> first: it refuses settings that
    /// cannot work.
    /// </summary>
    public static WebApplicationBuilder AddReadingProgress(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProgressOptions>().BindConfiguration(ProgressOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        if (StoreKind(builder.Configuration) == ProgressStoreKind.PostgreSql)
        {
            var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName)!;
            builder.Services.AddSingleton<IReadingProgressStore>(services => new PostgreSqlReadingProgressStore(
                connectionString,
                services.GetRequiredService<IOptions<ProgressOptions>>().Value,
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILogger<PostgreSqlReadingProgressStore>>()));
        }
        else
        {
            builder.Services.AddSingleton<IReadingProgressStore, SqliteReadingProgressStore>();
        }

        // The readership counts are kept in the same database (Readership/).
        builder.Services.AddSingleton(services => (Readership.IReadershipStore)services.GetRequiredService<IReadingProgressStore>());
        builder.Services.AddSingleton<ProgressForPages>();
        builder.Services.AddHostedService<ProgressPurgeService>();
        return builder;
    }

    /// <summary>
    /// One sentence saying why the progress settings cannot work (an unknown store, or PostgreSQL
    /// without a usable connection string), or null when they can. Never includes the password.
    /// </summary>
    public static string? StartupProblem(IConfiguration configuration)
    {
        var store = configuration[$"{ProgressOptions.Section}:{nameof(ProgressOptions.Store)}"];
        if (!string.IsNullOrEmpty(store) && !Enum.TryParse<ProgressStoreKind>(store, ignoreCase: true, out _))
        {
            return "Progress:Store must be Sqlite or PostgreSql; the site did not start.";
        }

        if (StoreKind(configuration) != ProgressStoreKind.PostgreSql)
        {
            return null;
        }

        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "Progress:Store is PostgreSql but ConnectionStrings:Progress (environment: ConnectionStrings__Progress) is not set; the site did not start.";
        }

        try
        {
            PostgreSqlStoreConnections.Settings(connectionString);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            return "Progress:Store is PostgreSql but ConnectionStrings:Progress is not a valid Npgsql connection string (for example: Host=db;Database=relational;Username=relational;Password=…); the site did not start.";
        }
    }

    private static ProgressStoreKind StoreKind(IConfiguration configuration) =>
        Enum.TryParse<ProgressStoreKind>(configuration[$"{ProgressOptions.Section}:{nameof(ProgressOptions.Store)}"], ignoreCase: true, out var kind)
            ? kind
            : ProgressStoreKind.Sqlite;
}
