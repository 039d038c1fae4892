using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Relational.Tests;

/// <summary>
/// The real site in-process, with its own temporary data folder (for the SQLite file) that is
/// deleted afterwards. Content comes from the repository's <c>content/</c> unless a test gives a
/// folder of its own.
/// </summary>
public class SiteFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);

    public SiteFactory()
    {
        DataDirectory = Directory.CreateTempSubdirectory("relational-test-").FullName;
        _settings["Content:WatchForChanges"] = "false";
        _settings["Progress:DatabasePath"] = Path.Combine(DataDirectory, "progress.db");
        // In-process clients all share one (empty) address; the rate-limit tests set their own limit.
        _settings["Safety:PostsPerWindow"] = "100000";
    }

    public string DataDirectory { get; }

    /// <summary>Overrides one configuration value; call before the first request.</summary>
    public SiteFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a finishing request: the OS temp cleaner will have it.
            }
        }
    }
}
