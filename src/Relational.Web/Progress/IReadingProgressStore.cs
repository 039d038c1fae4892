namespace Relational.Progress;

/// <summary>
/// Where opted-in readers' progress is kept. Every method throws
/// <see cref="ProgressUnavailableException"/> when the storage cannot be used; a method taking a
/// <see cref="ReaderKey"/> returns null/false when that key belongs to no reader (forgotten,
/// purged, or never known).
/// </summary>
public interface IReadingProgressStore
{
    /// <summary>
    /// Opts in: a new reader, known by this key, and <paramref name="opened"/> (the part the reader
    /// asked from) started; all of it or, when any write fails, nothing.
    /// </summary>
    Task RememberAsync(ReaderKey key, PartRef? opened = null, CancellationToken cancellationToken = default);

    Task<ReaderProgress?> FindAsync(ReaderKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks <paramref name="opened"/> started (or re-opened) and, when given and already started,
    /// <paramref name="previous"/> finished. Returns the progress afterwards.
    /// </summary>
    Task<ReaderProgress?> RecordOpenedAsync(ReaderKey key, PartRef opened, PartRef? previous, CancellationToken cancellationToken = default);

    Task<bool> MarkFinishedAsync(ReaderKey key, PartRef part, CancellationToken cancellationToken = default);

    /// <summary>Keeps this part as the reader's one saved place.</summary>
    Task<bool> SavePlaceAsync(ReaderKey key, PartRef part, CancellationToken cancellationToken = default);

    /// <summary>A new private resume link for this reader; any earlier one stops working.</summary>
    Task<ResumeToken?> CreateResumeLinkAsync(ReaderKey key, CancellationToken cancellationToken = default);

    /// <summary>The progress a live resume link carries (its owner's), or null when no such link is live.</summary>
    Task<ReaderProgress?> FindByResumeLinkAsync(ResumeToken token, CancellationToken cancellationToken = default);

    Task<bool> RevokeResumeLinkAsync(ReaderKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes <paramref name="newKey"/> a key of the reader the link belongs to, and uses the link
    /// up: it works once. A key this device had before is dropped (with its reader, if no other
    /// device uses it): the page asks the reader first. False: no such link.
    /// </summary>
    Task<bool> AdoptAsync(ResumeToken token, ReaderKey newKey, ReaderKey? previousKey, CancellationToken cancellationToken = default);

    /// <summary>Deletes every row of this reader, on every device, and their resume link.</summary>
    Task<bool> ForgetAsync(ReaderKey key, CancellationToken cancellationToken = default);

    /// <summary>Deletes readers idle for longer than the retention period; returns how many.</summary>
    Task<int> PurgeIdleAsync(CancellationToken cancellationToken = default);
}

/// <summary>The progress storage cannot be used right now (its cause is logged once by the store).</summary>
public sealed class ProgressUnavailableException : Exception
{
    public ProgressUnavailableException()
    {
    }

    public ProgressUnavailableException(string message) : base(message)
    {
    }

    public ProgressUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
