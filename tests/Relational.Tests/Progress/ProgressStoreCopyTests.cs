using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using Relational.Progress;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Progress;

/// <summary>Moving a reader database across: a SQLite file copied into PostgreSQL reads back the same.</summary>
[Collection(PostgreSqlTests.Name)]
public sealed class ProgressStoreCopyTests(PostgreSqlCluster cluster) : IDisposable
{
    private readonly TempStore _sqlite = new();

    public void Dispose() => _sqlite.Dispose();

    [Fact]
    public async Task Every_reader_reads_back_the_same_from_PostgreSQL_and_new_readers_follow()
    {
        var keys = Enumerable.Range(0, 5).Select(_ => ReaderKey.New()).ToArray();
        foreach (var key in keys)
        {
            await _sqlite.Store.RememberAsync(key);
            await _sqlite.Store.RecordOpenedAsync(key, new PartRef(Forms.Article, Series.PartSlug(1)), null);
        }

        await _sqlite.Store.SavePlaceAsync(keys[1], new PartRef(Forms.Article, Series.PartSlug(2)));
        await _sqlite.Store.MarkFinishedAsync(keys[2], new PartRef(Forms.Article, Series.PartSlug(1)));
        var token = await _sqlite.Store.CreateResumeLinkAsync(keys[3]);
        var connectionString = await cluster.CreateDatabaseAsync();

        Assert.Equal(5, await ProgressStoreCopy.CopyAsync(_sqlite.DatabasePath, connectionString));

        await using var postgres = new PostgreSqlReadingProgressStore(connectionString, new ProgressOptions(), _sqlite.Clock, new FakeLogger<PostgreSqlReadingProgressStore>());
        foreach (var key in keys)
        {
            Assert.Equal(await _sqlite.Store.FindAsync(key), await postgres.FindAsync(key), ReaderProgressComparer.Instance);
        }

        Assert.NotNull(await postgres.FindByResumeLinkAsync(token!));
        var newcomer = ReaderKey.New();
        await postgres.RememberAsync(newcomer);
        Assert.NotNull(await postgres.FindAsync(newcomer));

        // A second copy would make two of everyone: refused, nothing changed.
        await Assert.ThrowsAsync<InvalidOperationException>(() => ProgressStoreCopy.CopyAsync(_sqlite.DatabasePath, connectionString));
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM readers", connection);
        Assert.Equal(6L, await count.ExecuteScalarAsync());
    }

    /// <summary>Compares what a reader would see (the parts by value).</summary>
    private sealed class ReaderProgressComparer : IEqualityComparer<ReaderProgress?>
    {
        public static readonly ReaderProgressComparer Instance = new();

        public bool Equals(ReaderProgress? x, ReaderProgress? y) =>
            x is not null && y is not null
            && (x with { Parts = [] }) == (y with { Parts = [] })
            && x.Parts.SequenceEqual(y.Parts);

        public int GetHashCode(ReaderProgress? obj) => 0;
    }
}
