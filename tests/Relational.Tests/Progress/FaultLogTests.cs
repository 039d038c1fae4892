using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Progress;

/// <summary>
/// What the operator reads in the site's log while the store fails and recovers, through the
/// site's own log pipeline (which folds repeated errors): the start of every fault, with its cause
/// (SQLSTATE or SQLite error), even a second fault within the log's repeat window; and "works
/// again" only once a write has worked, never because a read did.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class FaultLogTests(PostgreSqlCluster cluster)
{
    private const string Again = "works again";

    [Fact]
    public async Task PostgreSQL_stopped_twice_within_a_minute_logs_both_starts_with_their_cause_and_the_recovery_between()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        using var site = PostgreSqlSite(connectionString);
        using var client = Client(site);
        var reader = await OptInAsync(client);

        var stopped = false;
        try
        {
            await cluster.StopAsync();
            stopped = true;
            Assert.Equal("unavailable", await SaveAsync(client, reader));
            await cluster.StartAsync();
            stopped = false;
            await SavedOnceItWorksAsync(client, reader);
            await cluster.StopAsync();
            stopped = true;
            Assert.Equal("unavailable", await SaveAsync(client, reader));
        }
        finally
        {
            if (stopped)
            {
                await cluster.StartAsync();
            }
        }

        site.Dispose();
        // Here mostly no SQLSTATE: the connection is refused, or cut by the stop.
        AssertFaultRecoveryFault(Events(site.Log.Text), "(?i)connect|stream|SQLSTATE");
        Assert.DoesNotContain("Password", site.Log.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PostgreSQL_turned_read_only_logs_the_read_only_cause_and_no_recovery_until_a_write_works()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        using var site = PostgreSqlSite(connectionString);
        using var client = Client(site);
        var reader = await OptInAsync(client);

        // As a primary turned standby would be: every new session read-only, the site's sessions cut.
        Execute($"ALTER DATABASE {database} SET default_transaction_read_only = on");
        Execute($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("unavailable", await SaveAsync(client, reader));
            using var page = await GetAsync(client, "/progress", reader);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        Execute($"ALTER DATABASE {database} RESET default_transaction_read_only");
        await SavedOnceItWorksAsync(client, reader);
        // The log is written off the request's thread: give its line a moment (bounded).
        for (var waited = 0; waited < 50 && !site.Log.Text.Contains(Again, StringComparison.Ordinal); waited++)
        {
            await Task.Delay(100);
        }

        site.Dispose();
        var events = Events(site.Log.Text);
        Assert.Contains(events, cause => cause.Contains("SQLSTATE 25006", StringComparison.Ordinal) && cause.Contains("read-only", StringComparison.Ordinal));
        // The pages read between the failed saves did not end the fault: only the save that worked did.
        Assert.Single(events, e => e == Again);
        Assert.Equal(Again, events[^1]);
    }

    [Fact]
    public async Task PostgreSQL_that_comes_back_read_only_after_a_stop_logs_the_new_cause_as_a_start_of_its_own()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        using var site = PostgreSqlSite(connectionString);
        using var client = Client(site);
        var reader = await OptInAsync(client);

        // Sessions already open keep writing; the server's next sessions will be read-only.
        Execute($"ALTER DATABASE {database} SET default_transaction_read_only = on");
        var stopped = false;
        try
        {
            await cluster.StopAsync();
            stopped = true;
            Assert.Equal("unavailable", await SaveAsync(client, reader));
            await cluster.StartAsync();
            stopped = false;
            Assert.Equal("unavailable", await SaveAsync(client, reader));
        }
        finally
        {
            if (stopped)
            {
                await cluster.StartAsync();
            }

            Execute($"ALTER DATABASE {database} RESET default_transaction_read_only");
        }

        site.Dispose();
        var events = Events(site.Log.Text);
        Assert.DoesNotContain(Again, events);
        Assert.Matches("(?i)connect|stream", events[0]);
        Assert.Contains(events, cause => cause.StartsWith("SQLSTATE 25006", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SQLite_made_unwritable_twice_within_a_minute_logs_both_starts_with_the_SQLite_error()
    {
        using var site = new SiteFactory().With("Progress:FaultBackOff", "00:00:00").With("Readership:Counting", "false");
        using var client = Client(site);
        var reader = await OptInAsync(client);
        var database = site.DatabasePath;
        string[] files = [database, database + "-wal"];

        try
        {
            await ImmutableAsync(true, files);
            Assert.Equal("unavailable", await SaveAsync(client, reader));
            using (var page = await GetAsync(client, "/progress", reader))
            {
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            }

            Assert.Equal("unavailable", await SaveAsync(client, reader));
            await ImmutableAsync(false, files);
            Assert.Equal("saved", await SaveAsync(client, reader));
            await ImmutableAsync(true, files);
            Assert.Equal("unavailable", await SaveAsync(client, reader));
        }
        finally
        {
            await ImmutableAsync(false, files);
        }

        site.Dispose();
        // The write that failed (a disk I/O error), then the read-only file it was opened as next.
        AssertFaultRecoveryFault(Events(site.Log.Text), "SQLite Error \\d+: '.+'");
    }

    /// <summary>
    /// A fault, the recovery, a second fault: one or more starts (a new line when the cause
    /// changes), each with its cause; one "works again"; then the second fault's start(s).
    /// </summary>
    private static void AssertFaultRecoveryFault(List<string> events, string cause)
    {
        var said = string.Join(" | ", events);
        Assert.True(events.Count(e => e == Again) == 1, said);
        var first = events.TakeWhile(e => e != Again).ToList();
        var second = events.SkipWhile(e => e != Again).Skip(1).ToList();
        Assert.True(first.Count > 0 && second.Count > 0, said);
        Assert.All(first.Concat(second), start => Assert.Matches(cause, start));
    }

    // Counting readership off: its last write when the site stops would add a "works again" after
    // the faults these tests follow.
    private SiteFactory PostgreSqlSite(string connectionString) => new SiteFactory()
        .With("Progress:Store", "PostgreSql")
        .With("ConnectionStrings:Progress", connectionString)
        .With("Progress:FaultBackOff", "00:00:00")
        .With("Readership:Counting", "false");

    private static HttpClient Client(SiteFactory site) =>
        site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

    /// <summary>The store's fault lines in order: each start's cause, and <see cref="Again"/> for each recovery.</summary>
    private static List<string> Events(string log)
    {
        var events = new List<string>();
        foreach (var line in log.Split('\n').Where(l => l.StartsWith('{')))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var template = root.GetProperty("@mt").GetString() ?? "";
            if (template.StartsWith("Reading progress cannot be stored", StringComparison.Ordinal))
            {
                Assert.Equal("Error", root.GetProperty("@l").GetString());
                events.Add(root.TryGetProperty("Cause", out var cause) ? cause.GetString() ?? "" : "(no cause given)");
            }
            else if (template.Contains(Again, StringComparison.Ordinal))
            {
                events.Add(Again);
            }
        }

        return events;
    }

    private static async Task<string> OptInAsync(HttpClient client)
    {
        using var optIn = await client.PostFormAsync("/progress/remember", Forms.Place(Series.PartSlug(1)));
        Assert.Contains("remembered", optIn.Headers.Location!.OriginalString, StringComparison.Ordinal);
        return optIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    /// <summary>Saves the reader's place; the outcome the answer names ("saved", "unavailable").</summary>
    private static async Task<string> SaveAsync(HttpClient client, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/progress/save") { Content = new FormUrlEncodedContent(Forms.Place(Series.PartSlug(2))) };
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var query = response.Headers.Location!.OriginalString.Split('?', '#')[1];
        return query.Split('=')[1];
    }

    /// <summary>A server just started may refuse a while longer: saves until one works (at most 20 s).</summary>
    private static async Task SavedOnceItWorksAsync(HttpClient client, string cookie)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await SaveAsync(client, cookie) != "saved")
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "the store did not work again within 20 s");
            await Task.Delay(100);
        }
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    /// <summary>
    /// Makes the files unwritable, or writable again: as root with chattr +i (permissions would not
    /// stop root), otherwise by taking away write permission.
    /// </summary>
    private static async Task ImmutableAsync(bool on, string[] files)
    {
        var root = Environment.UserName == "root";
        await Tool.RunAsync(root ? "chattr" : "chmod", [(root, on) switch
        {
            (true, true) => "+i",
            (true, false) => "-i",
            (false, true) => "a-w",
            (false, false) => "u+w",
        }, .. files], TimeSpan.FromSeconds(10));
    }

    private void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres"));
        connection.Open();
#pragma warning disable CA2100 // The test's own SQL over a database name it made.
        using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        command.ExecuteNonQuery();
    }
}
