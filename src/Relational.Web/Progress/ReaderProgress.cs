using System.Collections.Immutable;
using Relational.Content;

namespace Relational.Progress;

/// <summary>A part of an article, by slugs.</summary>
public readonly record struct SectionRef(string Article, string Section)
{
    public static SectionRef Of(Article article, Section section) => new(article.Slug, section.Slug);
}

public enum SectionState
{
    NotStarted,
    Started,
    Finished,
}

/// <summary>One row of <c>part_progress</c>.</summary>
public sealed record SectionProgress(
    SectionRef Part,
    DateTimeOffset StartedAt,
    DateTimeOffset LastOpenedAt,
    DateTimeOffset? FinishedAt)
{
    public SectionState State => FinishedAt is null ? SectionState.Started : SectionState.Finished;
}

/// <summary>The one place a reader asked to keep.</summary>
public sealed record SavedPlace(SectionRef Part, DateTimeOffset SavedAt);

/// <summary>Everything stored about one reader.</summary>
public sealed record ReaderProgress(
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActiveAt,
    SavedPlace? SavedPlace,
    ImmutableArray<SectionProgress> Sections,
    DateTimeOffset? ResumeLinkCreatedAt,
    int Devices)
{
    public SectionState StateOf(Article article, Section section) =>
        Find(SectionRef.Of(article, section))?.State ?? SectionState.NotStarted;

    /// <summary>Where to offer to continue in this article: the saved place, else the last part opened.</summary>
    public Section? ContinueAt(Article article)
    {
        if (SavedPlace is { } saved && saved.Part.Article == article.Slug && article.FindSection(saved.Part.Section) is { } place)
        {
            return place;
        }

        return Sections
            .Where(s => s.Part.Article == article.Slug)
            .OrderByDescending(s => s.LastOpenedAt)
            .Select(s => article.FindSection(s.Part.Section))
            .FirstOrDefault(s => s is not null);
    }

    private SectionProgress? Find(SectionRef part) => Sections.FirstOrDefault(s => s.Part == part);
}
