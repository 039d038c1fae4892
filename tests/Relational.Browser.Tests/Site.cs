namespace Relational.Browser.Tests;

/// <summary>The site's public pages, as a reader reaches them.</summary>
public static class Site
{
    public const string Article = Relational.Tests.Series.Url;

    public static string Part(int number) => Relational.Tests.Series.PartUrl(number);

    /// <summary>Every page a reader can land on, including a missing one.</summary>
    public static IEnumerable<string> AllPages()
    {
        yield return "/";
        yield return Article;
        for (var n = 1; n <= 10; n++)
        {
            yield return Part(n);
        }

        yield return $"{Article}/all";
        yield return "/staying-safe";
        yield return "/preferences";
        yield return "/progress";
        yield return "/no-such-page";
    }
}

/// <summary>Files of the repository the browser tests need.</summary>
public static class Repository
{
    public static string Root => Relational.Tests.Paths.RepositoryRoot;

    public static string AxeScript
    {
        get
        {
            var path = Path.Combine(Root, "node_modules", "axe-core", "axe.min.js");
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException(
                    $"axe-core is missing ({path}). Run `npm ci` at the repository root, or `bash tests/run-all.sh`.");
        }
    }
}
