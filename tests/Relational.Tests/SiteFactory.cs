using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Relational.Site;
using Relational.Tests.Sites;

namespace Relational.Tests;

/// <summary>
/// The real site in-process, with its own temporary data folder (for the SQLite file) that is
/// deleted afterwards. Content comes from the repository's <c>content/</c> unless a test gives a
/// folder of its own.
/// </summary>
public class SiteFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);
    private readonly List<Action<IServiceCollection>> _services = [];
    private readonly ScratchFolder _data = new("relational-test-");

    public SiteFactory()
    {
        _settings["Content:WatchForChanges"] = "false";
        _settings["Progress:DatabasePath"] = DatabasePath;
        // In-process clients all share one (empty) address; the rate-limit tests set their own limit.
        _settings["Safety:PostsPerWindow"] = "100000";
        // No management address beside the one the test listens on (a test of it runs the site as a process).
        _settings["Management:Urls"] = "";
    }

    public string DataDirectory => _data.Root;

    /// <summary>The site's SQLite file (unless a test sets <c>Progress:DatabasePath</c> itself).</summary>
    public string DatabasePath => _data.File("progress.db");

    /// <summary>
    /// The site's log, kept here instead of on the test run's output (a passing run stays quiet);
    /// a test that needs it reads it, and a failing test shows it.
    /// </summary>
    public CapturedLogStream Log { get; } = new("the site in-process");

    /// <summary>Adds services to the site's own (a startup filter, say); call before the first request.</summary>
    public SiteFactory WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

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

        builder.ConfigureServices(services =>
        {
            services.AddSingleton(new SiteLogOutput(Log));
            foreach (var configure in _services)
            {
                configure(services);
            }
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Log.Finish();
            _data.Dispose();
        }
    }
}
