namespace Relational.Content;

/// <summary>
/// Something wrong with the content that an author should mend, at a file and line (0 when the
/// problem is the whole file or folder). Written as <c>file:line: message</c>, the form editors
/// and terminals turn into a link.
/// </summary>
public sealed record ContentProblem(string File, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}
