using System.Globalization;
using System.Text.RegularExpressions;

namespace Relational.Reading;

/// <summary>
/// <c>{name:slug}</c>: lowercase words joined by hyphens, at most 80 characters. Anything else is
/// not a page of ours and is answered 404 before any lookup.
/// </summary>
internal sealed partial class SlugRouteConstraint : IRouteConstraint
{
    public const string Name = "slug";

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Pattern();

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value)
        && Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 and <= 80 } text
        && Pattern().IsMatch(text);
}
