using Microsoft.Data.Sqlite;
using Relational.Content;
using Relational.Progress;

namespace Relational.Tests.Progress;

/// <summary>
/// What readers cost on disk, in a real SQLite file written by the real store: the figure the
/// docs/scaling.md gives an operator (bytes a reader, and so gigabytes a million).
/// A measurement of 13,000 writes (seconds, not milliseconds), so not among the fast tests.
/// </summary>
public sealed class DiskCostTests(ITestOutputHelper output)
{
    private const int Readers = 1_000;

    [Fact]
    public async Task A_reader_who_read_every_part_costs_under_1600_bytes_on_disk()
    {
        using var store = new TempStore();
        var article = ContentLoader.Load(Paths.Content).FindArticle(Series.Slug)!;
        var optInOnly = await FileBytesPerReaderAsync(store, async key => await store.Store.RememberAsync(key));
        using var everyPart = new TempStore();
        var allRead = await FileBytesPerReaderAsync(everyPart, async key =>
        {
            await everyPart.Store.RememberAsync(key);
            PartRef? previous = null;
            foreach (var part in article.Parts)
            {
                var opened = PartRef.Of(article, part);
                await everyPart.Store.RecordOpenedAsync(key, opened, previous);
                previous = opened;
            }

            await everyPart.Store.MarkFinishedAsync(key, previous!.Value);
            await everyPart.Store.SavePlaceAsync(key, previous.Value);
        });

        // Seen with `dotnet test --logger "console;verbosity=detailed"`; docs/scaling.md quotes it.
        output.WriteLine($"opted in only: {optInOnly:0} bytes a reader; every part read and a place saved: {allRead:0} bytes a reader ({Readers} readers)");
        Assert.InRange(optInOnly, 50, 400);
        Assert.InRange(allRead, optInOnly, 1_600);
    }

    /// <summary>The file's size once its write-ahead log is folded in, over the readers written.</summary>
    private static async Task<double> FileBytesPerReaderAsync(TempStore store, Func<ReaderKey, Task> write)
    {
        for (var i = 0; i < Readers; i++)
        {
            await write(ReaderKey.New());
        }

        store.Store.Dispose();
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = store.DatabasePath, Pooling = false }.ToString()))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
        }

        Assert.Equal(Readers, store.Count("readers"));
        return (double)new FileInfo(store.DatabasePath).Length / Readers;
    }
}
