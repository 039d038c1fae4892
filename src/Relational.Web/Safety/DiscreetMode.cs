using Relational.Site;

namespace Relational.Safety;

/// <summary>
/// A link shared in discreet mode carries <c>?discreet=1</c>: the tab, the history entry and any
/// share preview then say only "Reading", with no description.
/// </summary>
public static class DiscreetMode
{
    public const string NeutralTitle = "Reading";

    public static bool IsRequested(HttpRequest request) =>
        string.Equals(request.Query["discreet"], "1", StringComparison.Ordinal);

    public static PageMeta Neutral(PageMeta meta) => meta with { Title = NeutralTitle, Description = "", OgType = "website" };
}
