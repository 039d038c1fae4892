namespace Relational.Site;

/// <summary>
/// Endpoint metadata: this endpoint answers whatever the Host (the container's health probe asks
/// by address, HTTP/1.0 probes send none). Every other endpoint needs a Host that pages can build
/// their links from, and one of <c>AllowedHosts</c> when that is set.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class AnyHostAttribute : Attribute;
