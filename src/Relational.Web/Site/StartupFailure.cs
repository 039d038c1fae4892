using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Relational.Site;

/// <summary>
/// The start-up failures an operator can mend (a setting, a port, a missing folder), as the one
/// sentence the process prints on standard error before exiting with code 1. Anything else is a
/// fault of the site and keeps its stack trace.
/// </summary>
public static partial class StartupFailure
{
    /// <summary>Ends every sentence about a setting, so the operator knows nothing is serving.</summary>
    public const string NotStarted = "; the site did not start.";

    public static string? Describe(Exception failure) => failure switch
    {
        CannotStartException => failure.Message,
        OptionsValidationException invalid => string.Join("; ", invalid.Failures) + NotStarted,
        InvalidOperationException when Unreadable().Match(failure.Message) is { Success: true } match =>
            $"{match.Groups["key"].Value} must be {Expected(match.Groups["type"].Value)}{NotStarted}",
        IOException when failure.Message.StartsWith("Failed to bind to address", StringComparison.Ordinal) =>
            $"{failure.Message.TrimEnd('.')}: choose another address or port (ASPNETCORE_URLS or ASPNETCORE_HTTP_PORTS), or stop what uses it{NotStarted}",
        // The settings of several sections checked at once.
        AggregateException aggregate when aggregate.InnerExceptions.All(inner => inner is OptionsValidationException) =>
            string.Join("; ", aggregate.InnerExceptions.SelectMany(inner => ((OptionsValidationException)inner).Failures)) + NotStarted,
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0]),
        _ => null,
    };

    // The configuration binder's words for a value it cannot convert.
    [GeneratedRegex("^Failed to convert configuration value .*at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex Unreadable();

    private static string Expected(string typeName)
    {
        var type = Type.GetType(typeName) ?? typeof(StartupFailure).Assembly.GetType(typeName);
        if (type is { IsEnum: true })
        {
            var names = Enum.GetNames(type);
            return names.Length == 1 ? names[0] : string.Join(", ", names[..^1]) + " or " + names[^1];
        }

        return type == typeof(int) || type == typeof(long) ? "a whole number"
            : type == typeof(bool) ? "true or false"
            : type == typeof(TimeSpan) ? "a time span written as hours:minutes:seconds (for example 00:30:00)"
            : "a value of type " + (type?.Name ?? typeName);
    }
}
