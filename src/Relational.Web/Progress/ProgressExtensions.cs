using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Relational.Progress;

public static class ProgressExtensions
{
    /// <summary>
    /// The store and its purge. Nothing opens the database here: the first use does, so start-up
    /// never fails because of it. The pages under <c>/progress</c> are mapped with the other Razor Pages.
    /// </summary>
    public static WebApplicationBuilder AddReadingProgress(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProgressOptions>().BindConfiguration(ProgressOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IReadingProgressStore, SqliteReadingProgressStore>();
        builder.Services.AddSingleton<ProgressForPages>();
        builder.Services.AddHostedService<ProgressPurgeService>();
        return builder;
    }
}
