namespace Relational.Tests;

/// <summary>Where the repository's own files are, found from the test's output folder.</summary>
public static class Paths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Content => Path.Combine(RepositoryRoot, "content");

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Relational.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Relational.sln not found above " + AppContext.BaseDirectory);
    }
}
