using System.Globalization;
using Relational.Content;

namespace Relational.Reading;

/// <summary>
/// <c>{name:slug}</c>: words joined by hyphens, at most 80 characters. Anything else is not a page
/// of ours and is answered 404 before any lookup. Capitals are let through so that a page reached
/// in another case can redirect to its lower-case address.
/// </summary>
internal sealed class SlugRouteConstraint : IRouteConstraint
{
    public const string Name = "slug";

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value)
        && Convert.ToString(value, CultureInfo.InvariantCulture) is { } text
        && (ContentLoader.IsSlug(text) || ContentLoader.IsSlug(text.ToLowerInvariant()));
}
