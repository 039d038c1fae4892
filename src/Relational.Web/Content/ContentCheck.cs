using System.Collections.Frozen;

namespace Relational.Content;

/// <summary>
/// <c>dotnet Relational.Web.dll --check-content [folder]</c>: loads the content as the site does and
/// prints every problem, one line each (<c>file:line: message</c>), without starting the site. Exits 1
/// if there is any, 0 if none. With no folder, the one <c>Content:Path</c> names.
/// </summary>
public static class ContentCheck
{
    public static int Run(string[] args, IConfiguration configuration, string contentRoot) =>
        Run(args, configuration, contentRoot, Console.Out, Console.Error);

    public static int Run(string[] args, IConfiguration configuration, string contentRoot, TextWriter output, TextWriter error)
    {
        var at = Array.IndexOf(args, Relational.Site.CommandLine.CheckContentSwitch);
        var folder = at + 1 < args.Length && !args[at + 1].StartsWith('-') ? args[at + 1] : null;
        string path;
        try
        {
            // A folder given here is the author's, from where they stand; the setting is the site's, from its own folder.
            path = folder is not null
                ? Path.GetFullPath(folder)
                : ContentOptions.Resolve(configuration[$"{ContentOptions.Section}:{nameof(ContentOptions.Path)}"] ?? new ContentOptions().Path, contentRoot);
        }
        catch (Relational.Site.CannotStartException e)
        {
            error.WriteLine(e.Message);
            return 1;
        }

        // The site also refuses a slug that one of its own addresses takes; its pages' addresses are
        // known without starting it, the rest only once it maps them (it says so at start-up).
        var problems = ContentLoader.Check(path, new TakenSlugs(ContentLinks.SitePages, FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "all")));
        foreach (var problem in problems)
        {
            output.WriteLine(problem);
        }

        error.WriteLine(problems.Count == 0 ? $"{path}: no problems." : $"{path}: {problems.Count} problem(s).");
        return problems.Count == 0 ? 0 : 1;
    }
}
