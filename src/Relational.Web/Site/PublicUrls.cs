using Microsoft.Extensions.Options;

namespace Relational.Site;

/// <summary>Turns a site path into the absolute URL a reader would share.</summary>
public sealed class PublicUrls(IOptions<SiteOptions> options)
{
    public string Absolute(HttpRequest request, string path)
    {
        var origin = options.Value.PublicOrigin.Trim().TrimEnd('/');
        if (origin.Length == 0)
        {
            origin = $"{request.Scheme}://{request.Host.Value}";
        }

        return origin + path;
    }
}
