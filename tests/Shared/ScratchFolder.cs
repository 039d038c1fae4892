namespace Relational.Tests;

/// <summary>
/// A temporary folder for one test class's databases and files, removed afterwards. SQLite's
/// connection pool is cleared first, so no pooled connection keeps a file of it open.
/// </summary>
public sealed class ScratchFolder(string prefix = "relational-") : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>A path inside the folder (the file itself is not made).</summary>
    public string File(string name) => Path.Combine(Root, name);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process a test started may still be closing a file; the system's temp cleaning takes the rest.
        }
    }
}
