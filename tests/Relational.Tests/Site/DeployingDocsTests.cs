using System.Text.RegularExpressions;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Site;

/// <summary>
/// The commands docs/deploying.md and deploy/relational.service give an operator, run as written
/// (<c>/opt/relational</c> replaced by a temporary folder, <c>sudo</c> dropped): the content copy
/// can be run again without nesting or leaving old files, and the publish is for one runtime only.
/// </summary>
public sealed partial class DeployingDocsTests : IDisposable
{
    private const string Target = "/opt/relational";
    private readonly ScratchFolder _scratch = new("relational-deploying-");

    /// <summary>Where the commands put what they put in <c>/opt/relational</c>.</summary>
    private string Installed => _scratch.File("opt-relational");

    public void Dispose() => _scratch.Dispose();

    public static TheoryData<string> Documents() => new() { "docs/deploying.md", "deploy/relational.service" };

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task The_content_copy_run_twice_replaces_the_folder_without_nesting_or_leaving_old_files(string document)
    {
        var copy = Assert.Single(Commands(document), c => c.Contains("content", StringComparison.Ordinal) && c.Contains("cp ", StringComparison.Ordinal));
        var installed = Path.Combine(Directory.CreateDirectory(Installed).FullName, "content");

        await RunAsync(copy, Paths.RepositoryRoot);
        await File.WriteAllTextAsync(Path.Combine(Directory.GetDirectories(installed)[0], "99-removed-since.md"), "old");
        await RunAsync(copy, Paths.RepositoryRoot);

        Assert.False(Directory.Exists(Path.Combine(installed, "content")), $"\"{copy}\" made content/content");
        Assert.Equal(Files(Paths.Content), Files(installed));
    }

    [Fact]
    public async Task The_documented_publish_holds_one_runtime_s_native_files_and_stays_well_under_150_MB()
    {
        var publish = Assert.Single(Commands("docs/deploying.md"), c => c.StartsWith("dotnet publish", StringComparison.Ordinal));
        Assert.Equal(publish, Assert.Single(Commands("deploy/relational.service"), c => c.StartsWith("dotnet publish", StringComparison.Ordinal)));
        // A copy of the sources, as the Dockerfile takes them, so this publish shares no obj/ folder with other tests.
        var sources = _scratch.File("sources");
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", ".editorconfig" })
        {
            File.Copy(Path.Combine(Paths.RepositoryRoot, file), Path.Combine(Directory.CreateDirectory(sources).FullName, file));
        }

        CopySources(Path.Combine(Paths.RepositoryRoot, "src"), Path.Combine(sources, "src"));

        await RunAsync(publish, sources, TimeSpan.FromMinutes(8));

        var published = new DirectoryInfo(Installed).EnumerateFiles("*", SearchOption.AllDirectories).ToList();
        Assert.Contains(published, f => f.Name == "Relational.Web.dll");
        Assert.Contains(published, f => f.Name == "libSkiaSharp.so");
        Assert.DoesNotContain(published, f => f.Name.EndsWith(".dll", StringComparison.Ordinal) && f.Name.StartsWith("libSkiaSharp", StringComparison.Ordinal));
        Assert.DoesNotContain(published, f => f.Name.EndsWith(".dylib", StringComparison.Ordinal));
        Assert.DoesNotContain(published, f => f.FullName.Contains("/runtimes/", StringComparison.Ordinal));
        var megabytes = published.Sum(f => f.Length) / 1_000_000.0;
        Assert.True(megabytes < 100, $"the published folder holds {megabytes:F0} MB");
    }

    /// <summary>The shell lines of a document: its <c>sh</c> blocks, or the unit's commented install steps.</summary>
    private static List<string> Commands(string document)
    {
        var text = File.ReadAllText(Path.Combine(Paths.RepositoryRoot, document));
        var lines = document.EndsWith(".md", StringComparison.Ordinal)
            ? ShellBlock().Matches(text).SelectMany(m => m.Groups[1].Value.Split('\n'))
            : text.Split('\n').Where(l => l.StartsWith("#   ", StringComparison.Ordinal)).Select(l => l[1..]);
        return lines.Select(l => l.Trim().Replace("sudo ", "", StringComparison.Ordinal)).Where(l => l.Length > 0).ToList();
    }

    private Task<string> RunAsync(string command, string workingDirectory, TimeSpan? timeout = null)
    {
        Assert.Contains(Target, command, StringComparison.Ordinal);
        return Tool.RunAsync("bash", ["-c", $"cd '{workingDirectory}' && {command.Replace(Target, Installed, StringComparison.Ordinal)}"], timeout ?? TimeSpan.FromSeconds(60));
    }

    private static string[] Files(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal)];

    private static void CopySources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.EnumerateDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
        {
            CopySources(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
