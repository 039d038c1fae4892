using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Relational.Browser.Tests;

/// <summary>
/// The real site on Kestrel (loopback, a free port), with a temporary data folder and the exit link
/// pointed at the tests' stand-in neutral site. Extra settings override the defaults.
/// </summary>
internal sealed class KestrelSite : WebApplicationFactory<Program>
{
    private readonly string _exitUrl;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("relational-browser-").FullName;

    public KestrelSite(string exitUrl, IReadOnlyDictionary<string, string>? settings = null)
    {
        _exitUrl = exitUrl;
        _settings = settings ?? new Dictionary<string, string>();
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Content:WatchForChanges", "false");
        builder.UseSetting("Progress:DatabasePath", Path.Combine(_dataDirectory, "progress.db"));
        builder.UseSetting("Safety:ExitUrl", _exitUrl);
        // One log line per request would bury the test output; warnings and errors still show.
        builder.UseSetting("Serilog:MinimumLevel:Default", "Information");
        builder.UseSetting("Serilog:MinimumLevel:Override:Serilog.AspNetCore", "Warning");
        builder.UseSetting("Serilog:MinimumLevel:Override:Microsoft.Hosting", "Warning");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finishing request: the OS temp cleaner will have it.
        }
    }
}
