using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using Relational.Readership;
using Relational.Tests.Fixtures;
using static Relational.Tests.Readership.ReadershipTesting;

namespace Relational.Tests.Readership;

/// <summary>
/// A reader's journey sent with a user agent, a referrer, an address (through a trusted proxy) and a
/// cookie that could not occur by chance; afterwards none of them is anywhere in the database, the
/// counts of the journey are. For SQLite the file's bytes (with its WAL), for PostgreSQL a dump of
/// the whole database; and two instances on one PostgreSQL add up to the same totals.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class ReadershipLeakTests(PostgreSqlCluster cluster)
{
    private const string UserAgent = "Mozilla/5.0 (X11; Linux x86_64) QuillfeatherBrowser/93.7 ZebraQuartz";
    private const string Referrer = "https://referrer-zebraquartz.example/forum/thread-4471";
    private const string Address = "203.0.113.77";
    private const string OtherCookie = "tracker=zebraquartz-cookie-5521";

    private static readonly string[] Distinctive = [UserAgent, "QuillfeatherBrowser", "ZebraQuartz", Referrer, "referrer-zebraquartz", Address, "zebraquartz-cookie-5521"];

    [Fact]
    public async Task After_a_journey_nothing_of_its_user_agent_referrer_address_or_cookies_is_in_the_SQLite_file()
    {
        using var site = new LiveSite();
        site.With("Safety:TrustedProxies:0", "127.0.0.1");
        var readerCookie = await JourneyAsync(site.CreateLiveClient());
        var stored = await site.Services.StoredTodayAsync();

        SqliteConnection.ClearAllPools();
        var path = site.DatabasePath;
        var bytes = new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists).SelectMany(File.ReadAllBytes).ToArray();
        Assert.NotEqual(-1, bytes.AsSpan().IndexOf("readership_daily"u8));
        AssertNoneIn(bytes, readerCookie);
        Assert.Equal(-1, bytes.AsSpan().IndexOf(IPAddress.Parse(Address).GetAddressBytes()));
        Assert.Equal(Journey.Length - 1, stored[Page(Series.PartSlug(1))]);
        Assert.Equal(1, stored[SiteWide(Measure.ProgressOptIns)]);
    }

    [Fact]
    public async Task Two_instances_on_one_PostgreSQL_add_up_to_the_same_totals_and_its_dump_holds_nothing_of_the_journey()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        LiveSite Instance()
        {
            var site = new LiveSite();
            site.With("Progress:Store", "PostgreSql").With("ConnectionStrings:Progress", connectionString).With("Safety:TrustedProxies:0", "127.0.0.1");
            return site;
        }

        using var a = Instance();
        using var b = Instance();
        using var onA = a.CreateLiveClient();
        using var onB = b.CreateLiveClient();

        var cookies = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => JourneyAsync(i % 2 == 0 ? onA : onB)));
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            using var cover = await (i % 2 == 0 ? onA : onB).GetAsync(Series.Url);
            Assert.Equal(HttpStatusCode.OK, cover.StatusCode);
        })));

        // Each writes its own counts; both read the same sums.
        await a.Services.StoredTodayAsync();
        var fromB = await b.Services.StoredTodayAsync();
        var fromA = await a.Services.StoredTodayAsync();

        var database = new NpgsqlConnectionStringBuilder(connectionString);
        var dump = await Tool.RunAsync(PgDump(),
            ["--data-only", "-h", database.Host!, "-p", database.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", database.Username!, database.Database!],
            TimeSpan.FromSeconds(60));
        Assert.Contains("readership_daily", dump, StringComparison.Ordinal);
        var text = Encoding.UTF8.GetBytes(dump);
        foreach (var cookie in cookies)
        {
            AssertNoneIn(text, cookie);
        }

        Assert.Equal(fromA, fromB);
        Assert.Equal(6 * (Journey.Length - 1), fromA[Page(Series.PartSlug(1))]);
        Assert.Equal(40, fromA[Page(Tally.Cover)]);
        Assert.Equal(6, fromA[SiteWide(Measure.ProgressOptIns)]);
    }

    /// <summary>Part 1 opened again and again by one reader who opts in on the way; returns the reader's own cookie value.</summary>
    private static async Task<string> JourneyAsync(HttpClient client)
    {
        string? readerCookie = null;
        foreach (var step in Journey)
        {
            using var request = new HttpRequestMessage(step == "opt-in" ? HttpMethod.Post : HttpMethod.Get, step == "opt-in" ? "/progress/remember" : step);
            if (step == "opt-in")
            {
                request.Content = new FormUrlEncodedContent([new("article", Series.Slug), new("part", Series.PartSlug(1))]);
                request.Headers.Add("Sec-Fetch-Site", "same-origin");
            }

            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            request.Headers.TryAddWithoutValidation("Referer", Referrer);
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", Address);
            request.Headers.TryAddWithoutValidation("Cookie", readerCookie is null ? OtherCookie : $"{OtherCookie}; {Relational.Progress.ReaderCookie.Name}={readerCookie}");
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.SeeOther, $"{step}: {response.StatusCode}");
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
            {
                readerCookie = set.Single()[(Relational.Progress.ReaderCookie.Name.Length + 1)..].Split(';')[0];
            }
        }

        return readerCookie ?? throw new InvalidOperationException("the journey never opted in");
    }

    private static readonly string[] Journey = [Series.PartUrl(1), Series.PartUrl(1), "opt-in", Series.PartUrl(1), Series.PartUrl(1)];

    private static void AssertNoneIn(byte[] bytes, string readerCookie)
    {
        foreach (var value in Distinctive.Append(readerCookie))
        {
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value)) < 0, $"'{value}' is in the database");
            Assert.True(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(value)) < 0, $"'{value}' (UTF-16) is in the database");
        }
    }

    private static string PgDump() =>
        Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pg_dump")).First(File.Exists);
}
