namespace Relational.Site;

/// <summary>
/// Marks a page that is the same for every reader who has not opted in (it reads no cookie and no
/// query string beyond <c>?discreet=1</c>). Only such pages are kept in the output cache,
/// compressed over HTTPS and redirected to their one canonical address; a page without it is
/// rendered for each request.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SameForEveryAnonymousReaderAttribute : Attribute
{
    public static bool IsOn(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<SameForEveryAnonymousReaderAttribute>() is not null;
}
