using Microsoft.Extensions.DependencyInjection;
using Relational.Readership;

namespace Relational.Tests.Readership;

/// <summary>The counts a site instance has made, written to its store and read back from there.</summary>
public static class ReadershipTesting
{
    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>Writes what the instance counted (as its timer would) and reads today's rows from its store.</summary>
    public static async Task<Dictionary<(string Article, string Part, Measure Measure), long>> StoredTodayAsync(this IServiceProvider site)
    {
        Assert.True(await site.GetRequiredService<ReadershipWriter>().WriteAsync(CancellationToken.None));
        var rows = await site.GetRequiredService<IReadershipStore>().ReadCountsAsync(Today.AddDays(-1), Today.AddDays(1));
        return rows!.ToDictionary(r => (r.Tally.Article, r.Tally.Part, r.Tally.Measure), r => r.Count);
    }

    public static (string, string, Measure) Page(string part, Measure measure = Measure.Views) => (Series.Slug, part, measure);

    public static (string, string, Measure) SiteWide(Measure measure) => ("", "", measure);
}
