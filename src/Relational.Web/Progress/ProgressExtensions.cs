using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Relational.Site;

namespace Relational.Progress;

public static class ProgressExtensions
{
    public const string ConnectionStringName = "Progress";

    /// <summary>
    /// The store and its purge. Nothing opens the database here: the first use does, so start-up
    /// never fails because the database is down (the health check says so instead). The pages
    /// under <c>/progress</c> are mapped with the other Razor Pages.
    /// </summary>
    public static WebApplicationBuilder AddReadingProgress(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckedSettings<ProgressOptions, ProgressChecks>(ProgressOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IReadingProgressStore>(services =>
            services.GetRequiredService<IOptions<ProgressOptions>>().Value is { Store: ProgressStoreKind.PostgreSql } options
                ? new PostgreSqlReadingProgressStore(
                    services.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName)!,
                    options,
                    services.GetRequiredService<TimeProvider>(),
                    services.GetRequiredService<ILogger<PostgreSqlReadingProgressStore>>())
                : ActivatorUtilities.CreateInstance<SqliteReadingProgressStore>(services));

        // The readership counts are kept in the same database (Readership/).
        builder.Services.AddSingleton(services => (Readership.IReadershipStore)services.GetRequiredService<IReadingProgressStore>());
        builder.Services.AddSingleton<ProgressForPages>();
        builder.Services.AddHostedService<ProgressPurgeService>();
        builder.Services.AddSingleton<ProgressStoreHealth>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ProgressStoreHealth>());
        builder.Services.AddHealthChecks().AddCheck<ProgressStoreHealth>("progress");
        return builder;
    }
}
