using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Relational.Tests;
using Relational.Tests.Sites;

namespace Relational.Browser.Tests;

/// <summary>
/// The site started the ways an operator starts it, not the way the tests host it: the published
/// build (published once per test run into a temporary folder, content copied beside it as the
/// docs/deploying.md says) started from <c>/</c> as systemd does, and <c>dotnet run</c> from source in
/// Production without a launch profile, from another folder. Both in real processes on loopback.
/// </summary>
public sealed class StartedSites : IAsyncLifetime
{
    public const string Published = "published build, started from /";
    public const string RunFromSource = "dotnet run, Production, from another folder";

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly ScratchFolder _scratch = new("relational-started-");
    private readonly Dictionary<string, SiteProcess> _sites = [];
    private WebApplication? _exitSite;
    private IPlaywright? _playwright;

    /// <summary>The published build, with <c>content/</c> beside it.</summary>
    public string PublishFolder => _scratch.File("publish");

    public string ExitUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = default!;

    public Uri Address(string start) => _sites[start].Address;

    public string Log(string start) => _sites[start].Output;

    public async ValueTask InitializeAsync()
    {
        _exitSite = await BrowserFixture.StartExitSiteAsync();
        ExitUrl = BrowserFixture.Address(_exitSite.Services) + "/weather";

        var project = Path.Combine(Repository.Root, "src", "Relational.Web", "Relational.Web.csproj");
        await RunAsync("dotnet", ["publish", project, "-c", Configuration, "--no-build", "-o", PublishFolder, "--nologo", "-v", "quiet"]);
        CopyFolder(Paths.Content, Path.Combine(PublishFolder, "content"));

        _sites[Published] = new SiteProcess("dotnet", [Path.Combine(PublishFolder, "Relational.Web.dll")], "/",
            Path.Combine(_scratch.Root, "published-data", "progress.db"), [("Safety__ExitUrl", ExitUrl)]);
        _sites[RunFromSource] = new SiteProcess("dotnet", ["run", "--project", project, "-c", Configuration, "--no-build", "--no-launch-profile"],
            Directory.CreateDirectory(_scratch.File("elsewhere")).FullName,
            Path.Combine(_scratch.Root, "run-data", "progress.db"), [("Safety__ExitUrl", ExitUrl)]);
        foreach (var site in _sites.Values)
        {
            await site.WaitUntilReadyAsync();
        }

        (_playwright, Browser) = await BrowserFixture.LaunchChromiumAsync();
    }

    /// <summary>A copy of the published build that a test may damage.</summary>
    public string CopyOfPublished()
    {
        var copy = Path.Combine(Directory.CreateTempSubdirectory("relational-copy-").FullName, "app");
        CopyFolder(PublishFolder, copy);
        return copy;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        foreach (var site in _sites.Values)
        {
            site.Dispose();
        }

        if (_exitSite is not null)
        {
            await _exitSite.DisposeAsync();
        }

        _scratch.Dispose();
    }

    internal static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static async Task RunAsync(string fileName, string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed: {await output}{await errors}");
        }
    }
}
