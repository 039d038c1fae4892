using System.Globalization;
using Microsoft.AspNetCore.StaticAssets;

namespace Relational.Site;

/// <summary>
/// Every file named in the static asset manifest (the stylesheet, the scripts, the icons, and the
/// gzip and Brotli forms of each) must be in the web root, whole, before the site takes a request.
/// When one is not, MapStaticAssets answers 200 with an empty body: the page shows unstyled and the
/// quick exit's script never runs, with nothing but a framework warning in the log. Refusing to
/// start says so where the operator is looking.
/// </summary>
public static class StaticAssetCheck
{
    /// <summary>The manifest MapStaticAssets reads, beside the app's assembly.</summary>
    public static string ManifestPath(IWebHostEnvironment environment) =>
        Path.Combine(AppContext.BaseDirectory, $"{environment.ApplicationName}.staticwebassets.endpoints.json");

    public static void EnsureManifest(IWebHostEnvironment environment)
    {
        var manifest = ManifestPath(environment);
        if (!File.Exists(manifest))
        {
            throw new CannotStartException(
                $"Relational cannot start: the list of its stylesheets and scripts, {manifest}, is missing; build or publish the site again (dotnet publish) and start it from that output.");
        }
    }

    public static void EnsureWhole(WebApplication app)
    {
        var webRoot = app.Environment.WebRootFileProvider;
        var assets = ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(source => source.Endpoints)
            .Select(endpoint => endpoint.Metadata.GetMetadata<StaticAssetDescriptor>())
            .OfType<StaticAssetDescriptor>()
            .DistinctBy(asset => asset.AssetPath, StringComparer.Ordinal);
        foreach (var asset in assets)
        {
            var file = webRoot.GetFileInfo(asset.AssetPath);
            var length = asset.ResponseHeaders.FirstOrDefault(h => h.Name == "Content-Length")?.Value;
            if (!file.Exists || file.IsDirectory || (length is not null && file.Length.ToString(CultureInfo.InvariantCulture) != length))
            {
                var where = app.Environment.WebRootPath ?? Path.Combine(app.Environment.ContentRootPath, "wwwroot");
                throw new CannotStartException(
                    $"Relational cannot start: {asset.AssetPath}, which its pages link to, is {(file.Exists ? "not whole" : "missing")} in {where}, and pages would be served without it; publish the site again (dotnet publish) and start it from that output.");
            }
        }
    }
}
