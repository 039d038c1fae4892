namespace Relational.Safety;

/// <summary>
/// Endpoint metadata: this endpoint takes form POSTs. <see cref="RequestGuard"/> lets a POST reach
/// only an endpoint that carries it, and only from this site's own pages; a page added without it
/// answers a POST with 405 before any of its code runs.
/// </summary>
public interface IFormPostTarget;
