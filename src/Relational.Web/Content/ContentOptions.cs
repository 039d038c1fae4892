namespace Relational.Content;

/// <summary>Settings from the <c>Content</c> section (environment: <c>Content__Path</c>, …).</summary>
public sealed class ContentOptions
{
    public const string Section = "Content";

    /// <summary>
    /// The folder of article folders. A relative path is looked for from the app's content root
    /// upwards, so running from source finds the repository's <c>content/</c>.
    /// </summary>
    public string Path { get; set; } = "content";

    /// <summary>Rebuild the catalogue when a content file changes.</summary>
    public bool WatchForChanges { get; set; } = true;

    /// <summary>
    /// The folder <paramref name="path"/> names, or a <see cref="Relational.Site.CannotStartException"/>
    /// naming every folder searched and the setting to change.
    /// </summary>
    internal static string Resolve(string path, string contentRoot)
    {
        var searched = Candidates(path, contentRoot).ToList();
        return searched.FirstOrDefault(Directory.Exists) ?? throw new Relational.Site.CannotStartException(
            $"Relational cannot start: no content folder was found at {string.Join(", ", searched)}; set {SettingHint} to the folder that holds the article folders.");
    }

    internal static string SettingHint => $"{Section}:{nameof(Path)} (environment variable {Section}__{nameof(Path)})";

    private static IEnumerable<string> Candidates(string path, string contentRoot)
    {
        if (System.IO.Path.IsPathRooted(path))
        {
            yield return path;
            yield break;
        }

        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            yield return System.IO.Path.Combine(dir.FullName, path);
        }
    }
}
