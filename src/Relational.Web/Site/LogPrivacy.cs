using Serilog.Core;
using Serilog.Events;

namespace Relational.Site;

/// <summary>
/// Drops what the host adds to every log event inside a request that could identify a reader:
/// the raw path (a resume link is a path), and the connection and request ids (Kestrel's own
/// error lines name the request by its TraceIdentifier, which is the connection id and a number),
/// which would tie together everything one reader opened over a connection. Requests are logged by route template
/// instead, and the lines of one request share its trace id.
/// </summary>
public sealed class LogPrivacy : ILogEventEnricher
{
    private static readonly string[] Dropped = ["RequestPath", "QueryString", "RemoteIpAddress", "ClientIp", "ConnectionId", "RequestId", "TraceIdentifier"];

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        foreach (var name in Dropped)
        {
            logEvent.RemovePropertyIfPresent(name);
        }
    }
}
