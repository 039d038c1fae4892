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
/// same neutral page head.
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

    public static PageMeta Neutral(PageMeta meta) => meta with
    {
        Title = NeutralTitle,
        Description = "",
        OgType = "website",
        Author = null,
        Image = (Reading.PreviewCards.Path(Reading.PreviewCard.Neutral), NeutralTitle),
        LinkedData = [],
        Feed = null,
    };

    /// <summary>The neutral address of a part: ten characters worked out from the article and part, nothing readable.</summary>
    public static string AddressOf(Article article, Section section) => $"{AddressPrefix}/{ShortId(article, section)}";

    /// <summary>The part a neutral address names in the current content, if any.</summary>
    public static (Article Article, Section Section)? Find(ContentCatalogue content, string id)
    {
        foreach (var article in content.Articles)
        {
            foreach (var section in article.Sections)
            {
                if (string.Equals(ShortId(article, section), id, StringComparison.Ordinal))
                {
                    return (article, section);
                }
            }
        }

        return null;
    }

    private static string ShortId(Article article, Section section) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"discreet\n{article.Slug}\n{section.Slug}")))[..10];
}
