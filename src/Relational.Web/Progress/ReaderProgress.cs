using System.Collections.Immutable;
using Relational.Content;

namespace Relational.Progress;

/// <summary>A part of an article, by slugs.</summary>
public readonly record struct PartRef(string Article, string Part)
{
    public static PartRef Of(Article article, Part part) => new(article.Slug, part.Slug);
}

public enum PartState
{
    NotStarted,
    Started,
    Finished,
}

/// <summary>One row of <c>part_progress</c>.</summary>
public sealed record PartProgress(
    PartRef Part,
    DateTimeOffset StartedAt,
    DateTimeOffset LastOpenedAt,
    DateTimeOffset? FinishedAt)
{
    public PartState State => FinishedAt is null ? PartState.Started : PartState.Finished;
}

/// <summary>The one place a reader asked to keep.</summary>
public sealed record SavedPlace(PartRef Part, DateTimeOffset SavedAt);

/// <summary>Everything stored about one reader.</summary>
public sealed record ReaderProgress(
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActiveAt,
    SavedPlace? SavedPlace,
    ImmutableArray<PartProgress> Parts,
    DateTimeOffset? ResumeLinkCreatedAt,
    int Devices)
{
    public PartState StateOf(Article article, Part part) =>
        Find(PartRef.Of(article, part))?.State ?? PartState.NotStarted;

    /// <summary>Where to offer to continue in this article: the saved place, else the last part opened.</summary>
    public Part? ContinueAt(Article article)
    {
        if (SavedPlace is { } saved && saved.Part.Article == article.Slug && article.FindPart(saved.Part.Part) is { } place)
        {
            return place;
        }

        return Parts
            .Where(s => s.Part.Article == article.Slug)
            .OrderByDescending(s => s.LastOpenedAt)
            .Select(s => article.FindPart(s.Part.Part))
            .FirstOrDefault(s => s is not null);
    }

    private PartProgress? Find(PartRef part) => Parts.FirstOrDefault(s => s.Part == part);
}
