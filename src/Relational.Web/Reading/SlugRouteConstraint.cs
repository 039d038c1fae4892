using System.Globalization;
using Relational.Content;

namespace Relational.Reading;

/// <summary>
/// <c>{name:slug}</c>: lowercase words joined by hyphens, at most 80 characters. Anything else is
/// not a page of ours and is answered 404 before any lookup.
/// </summary>
internal sealed class SlugRouteConstraint : IRouteConstraint
{
    public const string Name = "slug";

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value)
        && Convert.ToString(value, CultureInfo.InvariantCulture) is { } text
        && ContentLoader.IsSlug(text);
}
