using Microsoft.Extensions.Options;
using Relational.Site;

namespace Relational.Readership;

/// <summary>Settings from the <c>Readership</c> section (environment: <c>Readership__FlushInterval</c>, …).</summary>
public sealed class ReadershipOptions
{
    public const string Section = "Readership";

    /// <summary>Whether pages and actions are counted at all (off: nothing is counted or written).</summary>
    public bool Counting { get; set; } = true;

    /// <summary>
    /// How often the counts held in memory are added to the progress store; also what a SIGKILL
    /// can lose at most (a normal stop writes them first).
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Days a day's counts are kept; older days are deleted.</summary>
    public int RetentionDays { get; set; } = 400;

    /// <summary>Counts below this are shown (and exported) as "fewer than N", so a quiet day singles nobody out.</summary>
    public int ShownFrom { get; set; } = 5;
}

/// <summary>Counts written often enough to lose little, kept a while, shown from at least one.</summary>
internal sealed class ReadershipChecks : IValidateOptions<ReadershipOptions>
{
    public ValidateOptionsResult Validate(string? name, ReadershipOptions options) => new SettingChecks()
        .Require(options.FlushInterval >= TimeSpan.FromSeconds(1) && options.FlushInterval <= TimeSpan.FromHours(1),
            "Readership:FlushInterval must be from 00:00:01 to 01:00:00")
        .Require(options.RetentionDays is >= 1 and <= 36500, "Readership:RetentionDays must be a whole number of days from 1 to 36500")
        .Require(options.ShownFrom is >= 1 and <= 1000, "Readership:ShownFrom must be a whole number from 1 to 1000")
        .Result;
}

/// <summary>Settings from the <c>Management</c> section: the publisher's own address, apart from the readers'.</summary>
public sealed class ManagementOptions
{
    public const string Section = "Management";

    /// <summary>
    /// Where the readership figures are served (<c>;</c> between several); never the public
    /// address. Empty: not served at all.
    /// </summary>
    public string Urls { get; set; } = "http://127.0.0.1:5081";
}
