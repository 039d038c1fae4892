using System.Diagnostics;

namespace Relational.Site;

/// <summary>
/// Ignores the trace context a request brings (<c>traceparent</c>, <c>tracestate</c>, baggage), so
/// every request from outside starts a trace of its own: the trace id in the log is the site's, and
/// no client can tag its requests there or tie them together. Outgoing context is as the default.
/// </summary>
public sealed class OwnTraceForEveryRequest : DistributedContextPropagator
{
    private static readonly DistributedContextPropagator Outgoing = CreateDefaultPropagator();

    public override IReadOnlyCollection<string> Fields => Outgoing.Fields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) =>
        Outgoing.Inject(activity, carrier, setter);

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceId = null;
        traceState = null;
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) => null;
}
