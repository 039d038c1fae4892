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

    internal static string Resolve(string path, string contentRoot)
    {
        if (System.IO.Path.IsPathRooted(path))
        {
            return path;
        }

        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, path);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return System.IO.Path.GetFullPath(path, contentRoot);
    }
}
