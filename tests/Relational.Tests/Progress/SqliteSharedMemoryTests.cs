using Relational.Progress;

namespace Relational.Tests.Progress;

/// <summary>
/// The SQLite store when its shared-memory file cannot be written. Apart from the store's other
/// tests (in the fast project) because making a file immutable takes another process (chattr).
/// </summary>
public sealed class SqliteSharedMemoryTests : IDisposable
{
    private readonly TempStore _temp = new(busyTimeout: TimeSpan.FromSeconds(1));

    private SqliteReadingProgressStore Store => _temp.Store;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_write_protected_shared_memory_file_is_refused_with_a_clear_log_line_not_a_crash()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_temp.DatabasePath)!);
        Database.Scalar(_temp.DatabasePath, "PRAGMA journal_mode = WAL; CREATE TABLE t (x);");
        var sharedMemory = _temp.DatabasePath + "-shm";
        await File.WriteAllBytesAsync(sharedMemory, new byte[1024]);
        // Immutable: not even root may write it (plain permissions do not stop root).
        await Tool.RunAsync("chattr", ["+i", sharedMemory], TimeSpan.FromSeconds(10));
        try
        {
            var refused = await Assert.ThrowsAsync<ProgressUnavailableException>(() => Store.RememberAsync(ReaderKey.New()));

            Assert.Contains("-shm", refused.Message);
            Assert.Equal(1, _temp.Logger.Errors);
            Assert.Contains(_temp.Logger.Messages, m => m.Contains("cannot be stored"));
        }
        finally
        {
            await Tool.RunAsync("chattr", ["-i", sharedMemory], TimeSpan.FromSeconds(10));
        }

        _temp.Clock.Now += TimeSpan.FromMinutes(1);
        var key = ReaderKey.New();
        await Store.RememberAsync(key);
        Assert.NotNull(await Store.FindAsync(key));
    }
}
