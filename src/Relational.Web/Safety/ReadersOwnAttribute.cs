namespace Relational.Safety;

/// <summary>
/// Endpoint metadata: a page about the reader's own progress, under OWASP's resource isolation
/// policy (<see cref="RequestGuard"/>): another site may link to it, never fetch, embed or frame
/// it, and never start <see cref="DownloadHandler"/>, the download of the reader's data, not even
/// by a link.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class ReadersOwnAttribute : Attribute
{
    /// <summary>The page handler that downloads the reader's data, if the page has one.</summary>
    public string? DownloadHandler { get; set; }

    public bool IsDownload(HttpRequest request) =>
        DownloadHandler is { } handler && string.Equals(request.RouteValues["handler"] as string, handler, StringComparison.OrdinalIgnoreCase);
}
