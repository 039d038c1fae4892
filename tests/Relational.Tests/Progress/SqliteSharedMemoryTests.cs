using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Relational.Progress;
using Relational.Tests.Fixtures;

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

    [ImmutableFileFact]
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
            Assert.Equal(1, _temp.Logger.Errors());
            Assert.Contains(_temp.Logger.Messages(), m => m.Contains("cannot be stored"));
        }
        finally
        {
            await Tool.RunAsync("chattr", ["-i", sharedMemory], TimeSpan.FromSeconds(10));
        }

        _temp.Clock.Advance(TimeSpan.FromMinutes(1));
        var key = ReaderKey.New();
        await Store.RememberAsync(key);
        Assert.NotNull(await Store.FindAsync(key));
    }
}

/// <summary>
/// A fact that is skipped, with the reason, where the temporary folder's file system has no
/// immutable flag (tmpfs on older kernels, ramfs): there <c>chattr +i</c> cannot protect the file,
/// whoever runs it. Anything else that stops chattr (not root, chattr missing) is left to fail the
/// test with chattr's own words, since that is a machine set up other than docs/testing.md says.
/// </summary>
public sealed class ImmutableFileFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Unsupported = new(FindUnsupported);

    public ImmutableFileFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (Unsupported.Value is { } reason)
        {
            Skip = reason;
        }
    }

    private static string? FindUnsupported()
    {
        using var scratch = new ScratchFolder("relational-chattr-");
        var file = scratch.File("probe");
        try
        {
            File.WriteAllBytes(file, []);
            var (exitCode, said) = Chattr("+i", file);
            if (exitCode == 0)
            {
                Chattr("-i", file);
                return null;
            }

            return said.Contains("Operation not supported", StringComparison.Ordinal)
                || said.Contains("Inappropriate ioctl", StringComparison.Ordinal)
                ? $"The temporary folder {Path.GetTempPath()} is on a file system without an immutable flag, so chattr +i cannot write-protect a file there: {said.Trim()}"
                : null;
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    private static (int ExitCode, string Said) Chattr(string flag, string file)
    {
        using var process = Process.Start(new ProcessStartInfo("chattr", [flag, file])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var said = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, said);
    }
}
