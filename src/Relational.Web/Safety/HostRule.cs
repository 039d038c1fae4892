using Microsoft.Extensions.Primitives;

namespace Relational.Safety;

/// <summary>
/// The Host values a page may be built for: one a URL can hold (HTTP/1.0 may send none, and a port
/// can be written beyond 65535) and, when <c>AllowedHosts</c> names hosts, one of those. Pages
/// build their links from the Host, so <see cref="RequestGuard"/> answers any other with the calm
/// 400; the page cache, which answers before the guard runs, serves and keeps pages for these only.
/// </summary>
public sealed class HostRule
{
    private readonly StringSegment[] _allowedHosts;

    // Nearly every request names the same Host: one that passed is not parsed again.
    private string? _lastAccepted;

    public HostRule(IConfiguration configuration)
    {
        var hosts = (configuration["AllowedHosts"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        _allowedHosts = hosts.Contains("*") ? [] : [.. hosts.Select(host => new StringSegment(host))];
        Names = [.. hosts.Where(host => !host.Contains('*', StringComparison.Ordinal))];
        OwnHost = new(_allowedHosts.Length > 0 && Names.Count > 0 ? Names[0] : "localhost");
    }

    /// <summary>The exact host names in <c>AllowedHosts</c> (no wildcard patterns).</summary>
    public IReadOnlyList<string> Names { get; }

    public bool Accepts(HostString host)
    {
        if (host.Value is not { } value)
        {
            return false;
        }

        if (value == Volatile.Read(ref _lastAccepted))
        {
            return true;
        }

        if (!IsUsable(host) || !IsAllowed(host))
        {
            return false;
        }

        Volatile.Write(ref _lastAccepted, value);
        return true;
    }

    private static bool IsUsable(HostString host) =>
        host.HasValue
        && Uri.TryCreate("http://" + host.Value + "/", UriKind.Absolute, out var uri)
        && uri.Authority.Length > 0
        && (host.Port is null || host.Port is > 0 and <= 65535);

    private bool IsAllowed(HostString host) =>
        _allowedHosts.Length == 0 || HostString.MatchesAny(host.Host, _allowedHosts);

    /// <summary>A Host the calm page can build its links from in place of a refused one.</summary>
    public HostString OwnHost { get; }
}
