namespace Relational.Safety;

/// <summary>
/// Endpoint metadata: this endpoint takes form POSTs. <see cref="RequestGuard"/> lets a POST reach
/// only an endpoint that carries it, and only from this site's own pages; a page added without it
/// answers a POST with 405 before any of its code runs.
/// </summary>
public interface IFormPostTarget;

/// <summary>
/// Endpoint metadata: this endpoint answers whatever the Host (the container's health probe asks
/// by address, HTTP/1.0 probes send none). Every other endpoint needs a Host that pages can build
/// their links from, and one of <c>AllowedHosts</c> when that is set.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class AnyHostAttribute : Attribute;
