using System.Security.Cryptography;
using System.Text;
using Relational.Content;
using Relational.Site;

namespace Relational.Safety;

/// <summary>
/// Discreet sharing. A part has a neutral address of its own, <c>/read/{id}</c>: no topic words
/// in the address, the title ("Reading"), the description (none), the preview image or the
/// canonical link, and it asks search engines not to index it. The share control copies that
/// address when the reader has turned discreet mode on. A link with <c>?discreet=1</c> gets the
/// same neutral page head. An article's cover and whole text have neutral addresses too
/// (<c>/read/{id}/contents</c>, <c>/read/{id}/all</c>), and a discreet page links only to neutral
/// addresses (<see cref="SeriesLinks"/>), so following the series keeps the history free of topic words.
/// </summary>
public static class DiscreetMode
{
    public const string NeutralTitle = "Reading";

    private const string Segment = "read";

    public const string AddressPrefix = "/" + Segment;

    /// <summary>The neutral addresses' route (added to the part's page by Reading): the prefix, then the id.</summary>
    public const string Route = Segment + "/{id:regex(^[0-9a-f]{{10}}$)}";

    public static bool IsRequested(HttpRequest request) =>
        string.Equals(request.Query["discreet"], "1", StringComparison.Ordinal)
        || request.Path.StartsWithSegments(AddressPrefix, StringComparison.Ordinal);

    /// <summary>
    /// A page's head with nothing about what is read. Its preview image is left to the head's owner,
    /// which shows the plain card in its place.
    /// </summary>
    public static PageMeta Neutral(PageMeta meta) => meta with
    {
        Title = NeutralTitle,
        Description = "",
        OgType = "website",
        Author = null,
        Image = null,
        LinkedData = [],
        Feed = null,
    };

    /// <summary>The neutral addresses' routes of an article's cover and of its whole text on one page.</summary>
    public const string CoverRoute = Route + "/contents";

    public const string AllRoute = Route + "/all";

    /// <summary>The neutral address of an article's cover.</summary>
    public static string CoverAddressOf(Article article) => $"{AddressPrefix}/{ShortId(article)}/contents";

    /// <summary>The neutral address of an article's whole text on one page.</summary>
    public static string AllAddressOf(Article article) => $"{AddressPrefix}/{ShortId(article)}/all";

    /// <summary>The article a neutral cover or whole-text address names in the current content, if any.</summary>
    public static Article? FindArticle(ContentCatalogue content, string id) =>
        content.Articles.FirstOrDefault(article => string.Equals(ShortId(article), id, StringComparison.Ordinal));

    /// <summary>The neutral address of a part: ten characters worked out from the article and part, nothing readable.</summary>
    public static string AddressOf(Article article, Part part) => $"{AddressPrefix}/{ShortId(article, part)}";

    /// <summary>The part a neutral address names in the current content, if any.</summary>
    public static (Article Article, Part Part)? Find(ContentCatalogue content, string id)
    {
        foreach (var article in content.Articles)
        {
            foreach (var part in article.Parts)
            {
                if (string.Equals(ShortId(article, part), id, StringComparison.Ordinal))
                {
                    return (article, part);
                }
            }
        }

        return null;
    }

    private static string ShortId(Article article) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"discreet\n{article.Slug}")))[..10];

    private static string ShortId(Article article, Part part) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"discreet\n{article.Slug}\n{part.Slug}")))[..10];
}
