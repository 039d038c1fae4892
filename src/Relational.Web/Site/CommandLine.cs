using System.Reflection;

namespace Relational.Site;

/// <summary>What the process was started to do.</summary>
public enum Command
{
    /// <summary>Serve the site (no switch of ours; settings such as <c>--urls …</c> may follow).</summary>
    Site,
    Help,
    Version,
    HealthCheck,
    CopyProgressToPostgreSql,
    CheckContent,

    /// <summary>A switch the site does not know: the usage goes to standard error, exit code 2.</summary>
    Unknown,
}

/// <summary>
/// The site's own switches, read before anything starts. Anything else on the command line must be
/// a setting as the host reads it (<c>--Site:PublicOrigin=https://…</c>, <c>--urls http://…</c>), so
/// a mistyped switch such as <c>--healtcheck</c> is refused rather than starting a second site.
/// </summary>
public static class CommandLine
{
    public const string HealthCheckSwitch = "--healthcheck";
    public const string CopyProgressSwitch = "--copy-progress-to-postgresql";
    public const string CheckContentSwitch = "--check-content";

    private static readonly Dictionary<string, Command> Switches = new(StringComparer.Ordinal)
    {
        ["--help"] = Command.Help,
        ["-h"] = Command.Help,
        ["--version"] = Command.Version,
        [HealthCheckSwitch] = Command.HealthCheck,
        [CopyProgressSwitch] = Command.CopyProgressToPostgreSql,
        [CheckContentSwitch] = Command.CheckContent,
    };

    public static string Usage => $"""
        Usage: dotnet Relational.Web.dll [switch] [--Part:Setting=value …]

        Without a switch the site starts. Settings come from appsettings.json, then environment
        variables (Site__PublicOrigin=https://…), then the command line (--Site:PublicOrigin=https://…).

          {HealthCheckSwitch}                   ask the running site's /healthz: exit 0 if it answers, else 1 and why
          {CopyProgressSwitch}   copy reader progress from the SQLite file into PostgreSQL, then exit
          {CheckContentSwitch} [folder]        check the content (Content:Path, or the folder), print each problem, exit 1 if any
          --version                       print the version and exit
          --help, -h                      print this and exit
        """;

    public static string Version =>
        typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(CommandLine).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public static Command Parse(IReadOnlyList<string> args)
    {
        Command? found = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (Switches.TryGetValue(arg, out var command))
            {
                found ??= command;
                if (command == Command.CheckContent && i + 1 < args.Count && !args[i + 1].StartsWith('-'))
                {
                    // "--check-content drafts/": the folder to check.
                    i++;
                }
            }
            else if (IsSettingName(arg) && !arg.Contains('=', StringComparison.Ordinal)
                && i + 1 < args.Count && !args[i + 1].StartsWith('-'))
            {
                // "--urls http://…": the host reads the next argument as this setting's value.
                i++;
            }
            else if (!(IsSettingName(arg) && arg.Contains('=', StringComparison.Ordinal)))
            {
                return Command.Unknown;
            }
        }

        return found ?? Command.Site;
    }

    /// <summary>What the host's command-line configuration reads as a setting's name.</summary>
    private static bool IsSettingName(string arg) =>
        (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2) || (arg.StartsWith('/') && arg.Length > 1);

    /// <summary>
    /// The switches that end before the site is built: the usage, the version, an unknown switch.
    /// Null: go on with <paramref name="command"/>.
    /// </summary>
    public static async Task<int?> AnswerAsync(Command command)
    {
        switch (command)
        {
            case Command.Help:
                await Console.Out.WriteLineAsync(Usage);
                return 0;
            case Command.Version:
                await Console.Out.WriteLineAsync(Version);
                return 0;
            case Command.Unknown:
                await Console.Error.WriteLineAsync(Usage);
                return 2;
            case Command.HealthCheck:
                return await HealthProbe.RunAsync();
            default:
                return null;
        }
    }
}
