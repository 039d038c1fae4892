using System.ComponentModel.DataAnnotations;

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
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Readership:FlushInterval must be between 00:00:01 and 01:00:00.")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Days a day's counts are kept; older days are deleted.</summary>
    [Range(1, 36500, ErrorMessage = "Readership:RetentionDays must be between 1 and 36500.")]
    public int RetentionDays { get; set; } = 400;

    /// <summary>Counts below this are shown (and exported) as "fewer than N", so a quiet day singles nobody out.</summary>
    [Range(1, 1000, ErrorMessage = "Readership:ShownFrom must be between 1 and 1000.")]
    public int ShownFrom { get; set; } = 5;
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
