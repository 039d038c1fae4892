using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Npgsql;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Progress;

/// <summary>
/// One PostgreSQL, two published instances, nginx round robin in front (the proxy trusted through
/// <c>Safety:TrustedProxies</c>): readers get the same progress whichever instance answers, Forget
/// on one is seen on the other, and SIGKILL of one instance mid-reading loses no acknowledged write
/// and shows no reader another's rows; the killed instance serves again after a restart.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed partial class SeveralInstancesTests(PostgreSqlCluster cluster, PublishedBuild build) : IClassFixture<PublishedBuild>
{
    private const int Readers = 6;
    private static readonly Relational.Content.Part[] Parts = [.. TestReader.Article.Parts];

    [Fact]
    public async Task Two_instances_behind_nginx_agree_forget_together_and_lose_nothing_when_one_is_killed()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        var settings = new Dictionary<string, string>
        {
            ["Progress__Store"] = "PostgreSql",
            ["ConnectionStrings__Progress"] = connectionString,
            ["Safety__TrustedProxies__0"] = "127.0.0.1",
            ["Safety__PostsPerWindow"] = "100000",
        };
        using var a = new SiteInstance(build, Tool.FreePort(), settings);
        using var b = new SiteInstance(build, Tool.FreePort(), settings);
        await Task.WhenAll(a.StartAsync(), b.StartAsync());
        using var proxy = new NginxProxy(a.Port, b.Port);
        await proxy.StartAsync();
        using var viaProxy = TestReader.SharedClient(proxy.Address);
        using var onA = TestReader.SharedClient(a.Address);
        using var onB = TestReader.SharedClient(b.Address);
        var views = 0;
        var answeredBy = new ConcurrentDictionary<string, int>();

        // Opt in through the proxy and read every part (last to first: each is started, none finished).
        var readers = Enumerable.Range(0, Readers).Select(_ => new TestReader(viaProxy)).ToArray();
        var links = new string[Readers];
        await Task.WhenAll(readers.Select(async (reader, i) =>
        {
            using (var optIn = await reader.OptInAsync(Parts[^1]))
            {
                Assert.Contains("progress=remembered", optIn.Headers.Location?.OriginalString);
            }

            foreach (var part in Parts.Reverse())
            {
                using var view = await reader.GetAsync(TestReader.Article.PartUrl(part));
                Assert.Equal(HttpStatusCode.OK, view.StatusCode);
                answeredBy.AddOrUpdate(Upstream(view), 1, (_, n) => n + 1);
                Interlocked.Increment(ref views);
            }

            using (var save = await reader.PostAsync("/progress/save", ("article", TestReader.Article.Slug), ("part", Parts[i].Slug)))
            {
                Assert.Contains("progress=saved", save.Headers.Location?.OriginalString);
            }

            using var link = await reader.PostAsync("/progress/link");
            links[i] = LinkPath().Match(await link.Content.ReadAsStringAsync()).Value;
            Assert.StartsWith("/progress/resume/", links[i]);
        }));
        Assert.Equal(new[] { $"127.0.0.1:{a.Port}", $"127.0.0.1:{b.Port}" }.Order(), answeredBy.Keys.Order());

        // Whichever instance answers, each reader sees the same progress, saved place, export and link.
        for (var i = 0; i < Readers; i++)
        {
            var exports = new[] { await TextAsync(readers[i].On(onA), "/progress/export"), await TextAsync(readers[i].On(onB), "/progress/export") };
            Assert.Equal(exports[0], exports[1]);
            Assert.Contains(Parts[i].Slug, exports[0]);
            var pages = new[] { await MainTextAsync(readers[i].On(onA), "/progress"), await MainTextAsync(readers[i].On(onB), "/progress") };
            Assert.Equal(pages[0], pages[1]);
            var resumes = new[] { await MainTextAsync(new TestReader(onA), links[i]), await MainTextAsync(new TestReader(onB), links[i]) };
            Assert.Equal(resumes[0], resumes[1]);
        }

        // Forget through A: B knows nothing of that reader at once, and the rows are gone.
        var forgotten = readers[0].KeyHash();
        using (var forget = await readers[0].On(onA).PostAsync("/progress/forget"))
        {
            Assert.Contains("progress=forgotten", forget.Headers.Location?.OriginalString);
        }

        Assert.Contains("\"stored\":false", (await TextAsync(readers[0].On(onB), "/progress/export")).Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal(0L, Scalar(connectionString, "SELECT count(*) FROM reader_keys WHERE key_hash = $1", forgotten));

        // Opted-in reading through the proxy while A is killed. Each reader marks its own parts finished.
        var acknowledged = new ConcurrentBag<(int Reader, string Part)>();
        var unanswered = 0;
        using var stop = new CancellationTokenSource();
        var reading = Enumerable.Range(1, Readers - 1).Select(async i =>
        {
            var mine = Parts.Where((_, n) => n % (Readers - 1) == i - 1).ToArray();
            for (var round = 0; round < 200 && !stop.IsCancellationRequested; round++)
            {
                var part = mine[round % mine.Length];
                try
                {
                    using (var view = await readers[i].GetAsync(TestReader.Article.PartUrl(part)))
                    {
                        if (view.StatusCode == HttpStatusCode.OK)
                        {
                            Interlocked.Increment(ref views);
                        }
                    }

                    using var finished = await readers[i].PostAsync("/progress/finished", ("article", TestReader.Article.Slug), ("part", part.Slug));
                    // The reader is told "Marked as finished" only on this answer.
                    if (finished.Headers.Location?.OriginalString.Contains("progress=finished", StringComparison.Ordinal) == true)
                    {
                        acknowledged.Add((i, part.Slug));
                    }
                    else
                    {
                        Interlocked.Increment(ref unanswered);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref unanswered);
                }
            }
        }).ToArray();

        for (var wait = 0; wait < 600 && acknowledged.Count < Readers; wait++)
        {
            await Task.Delay(50);
        }

        a.Kill();
        var atKill = acknowledged.Count;
        for (var wait = 0; wait < 600 && acknowledged.Count < atKill + 4 * Readers; wait++)
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await Task.WhenAll(reading);
        Assert.True(acknowledged.Count >= atKill + 4 * Readers, $"only {acknowledged.Count - atKill} writes acknowledged after the kill");

        // Every acknowledged write is in the database; no reader has another reader's marks.
        var lost = 0;
        var leaked = 0;
        for (var i = 1; i < Readers; i++)
        {
            // Viewing a part also finishes the part before it (started by the first reading).
            var mine = Parts.Where((_, n) => n % (Readers - 1) == i - 1 || (n + 1) % (Readers - 1) == i - 1 && n + 1 < Parts.Length)
                .Select(s => s.Slug).ToHashSet();
            var finishedRows = FinishedParts(connectionString, readers[i].KeyHash());
            lost += acknowledged.Where(w => w.Reader == i).Select(w => w.Part).Distinct().Count(s => !finishedRows.Contains(s));
            leaked += finishedRows.Count(s => !mine.Contains(s));
        }

        Assert.True(lost == 0, $"{lost} acknowledged writes lost");
        Assert.True(leaked == 0, $"{leaked} rows another reader wrote");

        // Restarted, A serves again, from the same database.
        await a.StartAsync();
        Assert.Equal(
            await TextAsync(readers[1].On(onB), "/progress/export"),
            await TextAsync(readers[1].On(onA), "/progress/export"));

        var report = string.Create(CultureInfo.InvariantCulture,
            $"two instances behind nginx: readers {Readers}, opted-in views {views}, kills 1, acknowledged writes {acknowledged.Count} ({acknowledged.Count - atKill} after the kill), not acknowledged {unanswered}, rows lost {lost}, rows seen by the wrong reader {leaked}");
        if (Environment.GetEnvironmentVariable("RELATIONAL_INSTANCES_REPORT") is { Length: > 0 } reportFile)
        {
            await File.WriteAllTextAsync(reportFile, report + "\n");
        }
    }

    private static string Upstream(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Upstream", out var values) ? values.Last().Split(',')[^1].Trim() : "none";

    private static async Task<string> TextAsync(TestReader reader, string path)
    {
        using var response = await reader.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<string> MainTextAsync(TestReader reader, string path) =>
        (await Html.ParseAsync(await TextAsync(reader, path))).QuerySelector("main")!.TextContent;

    private static HashSet<string> FinishedParts(string connectionString, byte[] keyHash)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(
            "SELECT part_slug FROM part_progress WHERE finished_at IS NOT NULL AND reader_id = (SELECT reader_id FROM reader_keys WHERE key_hash = $1)",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = keyHash });
        using var rows = command.ExecuteReader();
        var found = new HashSet<string>(StringComparer.Ordinal);
        while (rows.Read())
        {
            found.Add(rows.GetString(0));
        }

        return found;
    }

    private static long Scalar(string connectionString, string sql, params object[] values)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
#pragma warning disable CA2100 // The test's own constant SQL.
        using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("/progress/resume/[A-Za-z0-9_-]{43}")]
    private static partial Regex LinkPath();
}
