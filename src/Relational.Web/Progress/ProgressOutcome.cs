using System.Collections.Frozen;

namespace Relational.Progress;

/// <summary>
/// What happened after a progress form, carried to the next page as <c>?progress=name#outcome</c>.
/// Only these fixed messages are ever shown; anything else in the query is ignored. The page that
/// answers puts <see cref="Title"/> first in its title and focuses the message (the fragment names
/// it), so a screen reader says what happened on arrival: a status region present at load is not
/// announced.
/// </summary>
public sealed record ProgressOutcome(string Name, string Title, string Message, bool IsProblem = false)
{
    public const string QueryKey = "progress";

    /// <summary>The id of the message on the page that answers a form: the fragment its address ends with.</summary>
    public const string ElementId = "outcome";

    public static readonly ProgressOutcome Remembered = new("remembered", "Remembering your place",
        "This device will now remember your place. You can see or erase what is kept on “Your progress”.");

    public static readonly ProgressOutcome Finished = new("finished", "Marked as finished", "Marked as finished.");

    public static readonly ProgressOutcome Saved = new("saved", "Place saved", "Your place is saved here.");

    public static readonly ProgressOutcome Forgotten = new("forgotten", "Progress forgotten",
        "Done. Your progress is forgotten: every record of it has been deleted from this site, any resume link stopped working, and this browser’s reader cookie has been removed.");

    public static readonly ProgressOutcome LinkRevoked = new("link-revoked", "Resume link revoked",
        "The private resume link is revoked. It no longer works on any device.");

    public static readonly ProgressOutcome Adopted = new("adopted", "Place carried here", "This device now carries your place.");

    public static readonly ProgressOutcome KeptMine = new("kept-mine", "Nothing changed",
        "Nothing changed: this device keeps its own place, and the link was not used.");

    public static readonly ProgressOutcome NotRemembered = new("not-remembered", "Nothing saved",
        "This device isn’t remembering your place, so nothing was saved.", IsProblem: true);

    public static readonly ProgressOutcome Unavailable = new("unavailable", "Not saved",
        "We couldn’t save that right now. Reading works as usual; you could try again later.", IsProblem: true);

    private static readonly FrozenDictionary<string, ProgressOutcome> ByName =
        new[] { Remembered, Finished, Saved, Forgotten, LinkRevoked, Adopted, KeptMine, NotRemembered, Unavailable }
            .ToFrozenDictionary(o => o.Name, StringComparer.Ordinal);

    public static ProgressOutcome? FromQuery(HttpRequest request) =>
        ByName.GetValueOrDefault(request.Query[QueryKey].ToString());

    /// <summary>A local path (which may carry a query) with this outcome added and its message in view.</summary>
    public string AppendTo(string path) => $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{QueryKey}={Name}#{ElementId}";
}
