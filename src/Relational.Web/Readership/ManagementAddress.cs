using System.Collections.Frozen;
using Relational.Site;

namespace Relational.Readership;

/// <summary>
/// The ports of <see cref="ManagementOptions.Urls"/>. Kestrel listens on them beside the public
/// address, and a request is the publisher's when it came in on one of them: the port the
/// connection reached, never a header a client could send.
/// </summary>
public sealed class ManagementAddress
{
    private readonly FrozenSet<int> _ports;

    private ManagementAddress(string[] urls, IEnumerable<int> ports)
    {
        Urls = urls;
        _ports = ports.ToFrozenSet();
    }

    /// <summary>Where it listens; none when <c>Management:Urls</c> is empty.</summary>
    public string[] Urls { get; }

    public bool Serves(HttpContext context) => _ports.Count > 0 && _ports.Contains(context.Connection.LocalPort);

    /// <summary>
    /// The address from the settings, or a <see cref="CannotStartException"/> saying in one sentence
    /// why it cannot work: not an http(s) address with its port, or a port the public address uses.
    /// </summary>
    public static ManagementAddress From(IConfiguration configuration, string[] publicUrls)
    {
        var urls = (configuration[$"{ManagementOptions.Section}:{nameof(ManagementOptions.Urls)}"] ?? new ManagementOptions().Urls)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ports = new List<int>();
        foreach (var url in urls)
        {
            if (PortOf(url) is not { } port)
            {
                throw new CannotStartException(
                    $"Management:Urls must be http:// addresses with a port, such as http://127.0.0.1:5081 ('{url}' is not); the site did not start.");
            }

            if (publicUrls.Any(p => PortOf(p) == port))
            {
                throw new CannotStartException(
                    $"Management:Urls uses port {port}, which the public address uses too; the readership figures must have a port of their own; the site did not start.");
            }

            ports.Add(port);
        }

        return new ManagementAddress(urls, ports);
    }

    // Kestrel's forms: a host, an address, or * and + for every address.
    private static int? PortOf(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        if (start < 0 || !url[..start].Equals("http", StringComparison.OrdinalIgnoreCase) && !url[..start].Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var authority = url[(start + 3)..].TrimEnd('/');
        var colon = authority.LastIndexOf(':');
        return colon > 0 && !authority[colon..].Contains(']', StringComparison.Ordinal)
            && int.TryParse(authority[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : null;
    }

    /// <summary>
    /// The public addresses as Kestrel would take them when the management address is not added:
    /// <c>urls</c> (ASPNETCORE_URLS, --urls), else <c>http_ports</c>/<c>https_ports</c>
    /// (ASPNETCORE_HTTP_PORTS, as in the container image), else Kestrel's default.
    /// </summary>
    public static string[] PublicUrls(IConfiguration configuration)
    {
        if (configuration["urls"] is { Length: > 0 } urls)
        {
            return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        string[] Ports(string key, string scheme) =>
            [.. (configuration[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"{scheme}://*:{p}")];
        var ports = Ports("http_ports", "http").Concat(Ports("https_ports", "https")).ToArray();
        return ports.Length > 0 ? ports : ["http://localhost:5000"];
    }
}
