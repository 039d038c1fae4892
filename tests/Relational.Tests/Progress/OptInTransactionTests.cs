using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Progress;

/// <summary>
/// Opting in from a part writes the reader, its key and the part started: all of it or nothing.
/// A store that fails the last of those writes (a trigger added here, as a full disk would) leaves
/// no reader behind, and the reader is told calmly that it could not be saved, with no cookie.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class OptInTransactionTests(PostgreSqlCluster cluster)
{
    [Fact]
    public async Task On_SQLite_an_opt_in_whose_last_write_fails_leaves_no_reader()
    {
        using var site = new SiteFactory();
        var database = site.DatabasePath;
        await OptInFailsAsync(site, () =>
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TRIGGER full_disk BEFORE INSERT ON part_progress BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END";
            command.ExecuteNonQuery();
        });

        Assert.Equal(0, Database.Count(database, "readers"));
        Assert.Equal(0, Database.Count(database, "reader_keys"));
    }

    [Fact]
    public async Task On_PostgreSQL_an_opt_in_whose_last_write_fails_leaves_no_reader()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        using var site = new SiteFactory().With("Progress:Store", "PostgreSql").With("ConnectionStrings:Progress", connectionString);
        await OptInFailsAsync(site, () => Execute(connectionString, """
            CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$;
            CREATE TRIGGER full_disk BEFORE INSERT ON part_progress FOR EACH ROW EXECUTE FUNCTION full_disk();
            """));

        Assert.Equal(0L, Execute(connectionString, "SELECT count(*) FROM readers"));
        Assert.Equal(0L, Execute(connectionString, "SELECT count(*) FROM reader_keys"));
    }

    /// <summary>Sets the store up (a reader's page view with an unknown cookie), breaks it, and opts in from a part.</summary>
    private static async Task OptInFailsAsync(SiteFactory site, Action breakTheStore)
    {
        using var client = site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        using (var view = new HttpRequestMessage(HttpMethod.Get, "/progress"))
        {
            view.Headers.Add("Cookie", "relational-reader=" + Relational.Progress.ReaderKey.New().Value);
            using var viewed = await client.SendAsync(view);
            Assert.Equal(HttpStatusCode.OK, viewed.StatusCode);
        }

        breakTheStore();
        using var optIn = await client.PostFormAsync("/progress/remember", Forms.Place(Series.PartSlug(2)));

        Assert.Equal(HttpStatusCode.SeeOther, optIn.StatusCode);
        Assert.Contains("unavailable", optIn.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.False(optIn.Headers.Contains("Set-Cookie"));
    }

    private static object? Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
#pragma warning disable CA2100 // The test's own constant SQL.
        using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        return command.ExecuteScalar();
    }
}
