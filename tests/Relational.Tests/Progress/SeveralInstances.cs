using Relational.Tests.Fixtures;
using Relational.Tests.Sites;

namespace Relational.Tests.Progress;

/// <summary>The site published once (<c>dotnet publish</c>) into a temporary folder, shared by the tests that start instances of it.</summary>
public sealed class PublishedBuild : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("relational-publish-").FullName;

    public string Dll => Path.Combine(Folder, "Relational.Web.dll");

    public async ValueTask InitializeAsync()
    {
        var project = Path.Combine(Paths.RepositoryRoot, "src", "Relational.Web", "Relational.Web.csproj");
        var said = await Tool.RunAsync("dotnet", ["publish", project, "-c", "Release", "-o", Folder, "--nologo", "-v", "quiet"], TimeSpan.FromMinutes(8));
        Assert.True(File.Exists(Dll), "dotnet publish made no Relational.Web.dll: " + said);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>One instance of the published site on a fixed loopback port (so it can be restarted where nginx expects it).</summary>
public sealed class SiteInstance(PublishedBuild build, int port, IReadOnlyDictionary<string, string> settings) : IDisposable
{
    private SiteProcess? _process;

    public int Port => port;

    public Uri Address => new($"http://127.0.0.1:{port}");

    public string Output => _process?.Output ?? "";

    /// <summary>Starts the instance (again, after <see cref="Kill"/>) and waits until it answers.</summary>
    public async Task StartAsync()
    {
        _process?.Dispose();
        _process = new SiteProcess("dotnet", [build.Dll], build.Folder, databasePath: null,
            [("Content__Path", Paths.Content), .. settings.Select(s => (s.Key, s.Value))], port);
        await _process.WaitUntilReadyAsync();
    }

    /// <summary>SIGKILL: no shutdown, no flush.</summary>
    public void Kill() => _process?.Kill();

    public void Dispose() => _process?.Dispose();
}
