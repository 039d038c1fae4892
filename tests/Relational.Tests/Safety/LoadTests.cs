using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Safety;

/// <summary>
/// A hundred opted-in readers at once, each reading all ten parts over a real socket: no error,
/// and every part each of them opened is in the file, checked row by row.
/// </summary>
public sealed class LoadTests
{
    private const int Readers = 100;

    [Fact]
    public async Task A_hundred_readers_reading_every_part_at_once_lose_nothing()
    {
        using var site = new LiveSite();
        site.With("Safety:PostsPerWindow", "100000");
        using var client = TestReader.SharedClient(site.Address);
        var parts = TestReader.Article.Parts;
        var failures = new ConcurrentBag<string>();
        var readers = Enumerable.Range(0, Readers).Select(_ => new TestReader(client)).ToArray();

        await Task.WhenAll(readers.Select(async reader =>
        {
            using (var optIn = await reader.OptInAsync(parts[0]))
            {
                if ((int)optIn.StatusCode != 303 || reader.Cookie is null)
                {
                    failures.Add($"opt-in: {(int)optIn.StatusCode}");
                    return;
                }
            }

            foreach (var part in parts)
            {
                using var page = await reader.GetAsync(TestReader.Article.PartUrl(part));
                var text = await page.Content.ReadAsStringAsync();
                if ((int)page.StatusCode != 200 || text.Contains("can’t be shown right now", StringComparison.Ordinal))
                {
                    failures.Add($"{part.Slug}: {(int)page.StatusCode}");
                }
            }
        }));

        Assert.Empty(failures);
        var database = site.DatabasePath;
        Assert.Equal(Readers, Count(database, "SELECT count(*) FROM readers"));
        foreach (var reader in readers)
        {
            foreach (var part in parts)
            {
                var finished = Row(database, reader.KeyHash(), part.Slug);
                Assert.NotNull(finished);
                // Opening the next part finishes this one; the last part is open, not yet finished.
                Assert.Equal(part != parts[^1], finished.Value);
            }
        }

        Assert.Equal(Readers * parts.Length, Count(database, "SELECT count(*) FROM part_progress"));
    }

    /// <summary>Null: no row for this reader and part; else whether it is marked finished.</summary>
    internal static bool? Row(string database, byte[] keyHash, string part)
    {
        using var connection = Open(database);
        using var command = connection.CreateCommand();
        command.CommandText =
            """
            SELECT p.finished_at IS NOT NULL FROM part_progress p
            JOIN reader_keys k ON k.reader_id = p.reader_id
            WHERE k.key_hash = $key AND p.part_slug = $part
            """;
        command.Parameters.AddWithValue("$key", keyHash);
        command.Parameters.AddWithValue("$part", part);
        return command.ExecuteScalar() is long finished ? finished == 1 : null;
    }

    internal static long Count(string database, string sql)
    {
        using var connection = Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    internal static SqliteConnection Open(string database)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
