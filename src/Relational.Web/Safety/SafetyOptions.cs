namespace Relational.Safety;

/// <summary>Settings from the <c>Safety</c> section (environment: <c>Safety__ExitUrl</c>).</summary>
public sealed class SafetyOptions
{
    public const string Section = "Safety";

    /// <summary>Where "Exit this page" goes: a neutral site that says nothing about this one.</summary>
    public string ExitUrl { get; set; } = "https://www.bbc.co.uk/weather";
}
