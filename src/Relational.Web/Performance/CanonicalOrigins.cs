using System.Collections.Frozen;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Relational.Safety;
using Relational.Site;

namespace Relational.Performance;

/// <summary>
/// Which Host values a cached page may be kept for. A page's canonical and share links are built
/// from <c>Site:PublicOrigin</c>, or, without it, from the request's Host: then each Host gets
/// different bytes, and a cache keyed by whatever Host arrives could be filled by made-up ones.
/// So pages are kept for the site's own names only: with <c>Site:PublicOrigin</c> set, one entry
/// whatever the Host (the page does not depend on it); without it, the exact names in
/// <c>AllowedHosts</c> and the addresses the server listens on. Any other Host (another name, a
/// different port or case) is still answered, rendered for that request and never kept. And since
/// the cache answers before <see cref="RequestGuard"/> runs, nothing is kept or served for a Host
/// the guard refuses (<see cref="HostRule"/>).
/// </summary>
internal sealed partial class CanonicalOrigins
{
    private readonly IServer _server;
    private readonly HostRule _rule;
    private FrozenSet<string>? _hosts;

    public CanonicalOrigins(IOptions<SiteOptions> site, IServer server, HostRule rule)
    {
        _server = server;
        _rule = rule;
        PagesIgnoreHost = site.Value.HasPublicOrigin;
    }

    /// <summary>True when links come from <c>Site:PublicOrigin</c>, so a page is the same whatever the Host.</summary>
    public bool PagesIgnoreHost { get; }

    public bool IsCanonical(HttpRequest request) =>
        _rule.Accepts(request.Host) && (PagesIgnoreHost || Hosts.Contains(request.Host.Value!));

    /// <summary>Says once, at start-up, when pages are kept for some Host values only (no public origin).</summary>
    public void WarnIfHostDependent(ILogger logger)
    {
        if (!PagesIgnoreHost)
        {
            LogHostDependent(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site:PublicOrigin is not set, so pages are kept in memory only for requests naming a host in AllowedHosts or the address the site listens on, and rendered anew for any other; set Site:PublicOrigin to the address readers use")]
    private static partial void LogHostDependent(ILogger logger);

    // The server's addresses are known once it listens (port 0 becomes the real port), so this is
    // worked out on the first request rather than at start.
    private FrozenSet<string> Hosts => _hosts ??= FindHosts();

    private FrozenSet<string> FindHosts()
    {
        var hosts = new HashSet<string>(_rule.Names, StringComparer.Ordinal);
        foreach (var address in _server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Host is not ("0.0.0.0" or "[::]" or "+" or "*"))
            {
                hosts.Add(uri.IsDefaultPort ? uri.Host : uri.Authority);
            }
        }

        return hosts.ToFrozenSet(StringComparer.Ordinal);
    }
}
