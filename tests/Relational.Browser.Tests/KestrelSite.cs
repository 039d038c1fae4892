using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Relational.Site;
using Relational.Tests;
using Relational.Tests.Sites;

namespace Relational.Browser.Tests;

/// <summary>
/// The real site on Kestrel (loopback, a free port), with a temporary data folder and the exit link
/// pointed at the tests' stand-in neutral site. Extra settings override the defaults.
/// </summary>
internal sealed class KestrelSite : WebApplicationFactory<Program>
{
    private readonly string _exitUrl;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly ScratchFolder _data = new("relational-browser-");

    public KestrelSite(string exitUrl, IReadOnlyDictionary<string, string>? settings = null)
    {
        _exitUrl = exitUrl;
        _settings = settings ?? new Dictionary<string, string>();
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>The site's log, kept off the test run's output; a failing test shows what it gained during the test.</summary>
    public CapturedLogStream Log { get; } = new("the browser tests' site on Kestrel");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Content:WatchForChanges", "false");
        builder.UseSetting("Progress:DatabasePath", _data.File("progress.db"));
        builder.UseSetting("Safety:ExitUrl", _exitUrl);
        builder.UseSetting("Management:Urls", "");
        // Every browser test is one client (127.0.0.1) of this one site, so the suite's forms would share
        // one POST allowance and a test would meet the 429 page depending on which ran in the same minute.
        // The limit itself is the rate-limit tests' to check.
        builder.UseSetting("Safety:PostsPerWindow", "100000");
        builder.UseSetting("Safety:NewReadersPerMinute", "100000");
        // No line a request: a failing test is shown its warnings and errors, not the suite's requests.
        builder.UseSetting("Serilog:MinimumLevel:Default", "Information");
        builder.UseSetting("Serilog:MinimumLevel:Override:Serilog.AspNetCore", "Warning");
        builder.UseSetting("Serilog:MinimumLevel:Override:Microsoft.Hosting", "Warning");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton(new SiteLogOutput(Log)));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Log.Finish();
        _data.Dispose();
    }
}
