using Microsoft.AspNetCore.Mvc.RazorPages;
using Relational.Site;

namespace Relational.Offline;

/// <summary><c>/offline</c>: what an offline copy is, what it leaves on the device, and how to remove it.</summary>
public sealed class OfflinePageModel : PageModel
{
    public const string Path = "/offline";

    /// <summary>Where removing the copy leads: this page, saying so, the message in view and focused.</summary>
    public const string RemovedPath = Path + "?done=removed#" + Progress.ProgressOutcome.ElementId;

    public bool Removed { get; private set; }

    public void OnGet()
    {
        Removed = Request.Query["done"] == "removed";
        new PageMeta(Removed ? "Offline copy removed — Reading offline" : "Reading offline", "Keeping this series on your device to read without a connection, and removing it.", Path).ApplyTo(ViewData);
    }
}
