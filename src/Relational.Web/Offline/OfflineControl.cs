namespace Relational.Offline;

/// <summary>
/// How a page shows the offline controls. Where removal is always offered (/progress, /staying-safe,
/// /offline), its form is there without scripts too; Clear-Site-Data does the removal then.
/// </summary>
public sealed record OfflineControl(bool OfferRemovalWithoutScript)
{
    public static readonly OfflineControl OnCover = new(false);

    public static readonly OfflineControl AlwaysOfferRemoval = new(true);
}
