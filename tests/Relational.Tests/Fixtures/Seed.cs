namespace Relational.Tests.Fixtures;

/// <summary>
/// The article as published, read from the seed text kept in <c>Fixtures/</c>: its title and each
/// part's heading and lines, bullets marked as such.
/// </summary>
public sealed record SeedPart(string? Heading, List<string> Blocks);

public sealed record Seed(string Title, List<SeedPart> Parts)
{
    /// <summary>The seed's headings: each starts a part, after the opening lines of part 1.</summary>
    private static readonly string[] Headings = [.. Series.Parts.Skip(1).Select(p => p.Title)];

    /// <summary>The seed text of the series, as kept in <c>Fixtures/</c>.</summary>
    public static Seed Published { get; } = Read(Paths.Fixture("seed-healing-trauma-in-relationship.txt"));

    public static Seed Read(string path)
    {
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).ToList();
        var parts = new List<SeedPart> { new(null, []) };
        foreach (var line in lines.Skip(1).TakeWhile(l => !l.StartsWith("Create the Whole Human", StringComparison.Ordinal)))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (Headings.Contains(line))
            {
                parts.Add(new SeedPart(line, []));
                continue;
            }

            parts[^1].Blocks.Add(line.StartsWith('•') ? "• " + line[1..].Trim() : line);
        }

        return new Seed(lines[0], parts);
    }
}
