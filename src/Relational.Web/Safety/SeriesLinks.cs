using Relational.Content;

namespace Relational.Safety;

/// <summary>
/// Where a page's links within a series lead: the plain addresses, or on a discreet page the
/// neutral ones (<see cref="DiscreetMode"/>), so a reader who came by a neutral address stays on
/// neutral addresses and titles wherever they go in the series.
/// </summary>
public sealed record SeriesLinks(bool Discreet)
{
    public static readonly SeriesLinks Plain = new(false);

    public static readonly SeriesLinks Neutral = new(true);

    /// <summary>What a progress form's address adds to keep its answer discreet.</summary>
    public const string DiscreetQuery = "?discreet=1";

    public static SeriesLinks For(HttpRequest request) => DiscreetMode.IsRequested(request) ? Neutral : Plain;

    public string Cover(Article article) => Discreet ? DiscreetMode.CoverAddressOf(article) : article.Url;

    public string Contents(Article article) => Cover(article) + "#contents";

    public string Part(Article article, Part part) => Discreet ? DiscreetMode.AddressOf(article, part) : article.PartUrl(part);

    public string All(Article article) => Discreet ? DiscreetMode.AllAddressOf(article) : article.AllUrl;

    /// <summary>A page of the site outside the series (progress, preferences): the same page, with a neutral head.</summary>
    public string Page(string path) => Discreet ? path + DiscreetQuery : path;
}
