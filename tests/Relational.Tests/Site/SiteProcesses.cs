using Relational.Tests.Sites;


namespace Relational.Tests.Site;

/// <summary>
/// The built site started as its own process (<c>dotnet Relational.Web.dll</c>, from <c>/</c> as
/// systemd starts it) as often as a test class needs, every start with the same temporary data
/// folder, deleted afterwards.
/// </summary>
public sealed class SiteProcesses : IDisposable
{
    private readonly ScratchFolder _data = new("relational-process-");

    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "Relational.Web.dll");

    /// <summary>In Production, on a free loopback port unless given one, with the repository's content.</summary>
    public SiteProcess Start(string[] arguments, (string Key, string Value)[] settings, int? port = null) =>
        new("dotnet", [Dll, .. arguments], "/", _data.File("progress.db"), [("Content__Path", Paths.Content), .. settings], port);

    public void Dispose() => _data.Dispose();
}
