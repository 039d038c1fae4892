namespace Relational.Content;

/// <summary>A content file that cannot be served, named with what is wrong with it.</summary>
public sealed class ContentException : Exception
{
    public ContentException(string file, string problem)
        : base($"{file}: {problem}")
    {
        File = file;
        Problem = problem;
    }

    public ContentException()
    {
        File = "";
        Problem = "";
    }

    public ContentException(string message)
        : base(message)
    {
        File = "";
        Problem = message;
    }

    public ContentException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = "";
        Problem = message;
    }

    public string File { get; }

    public string Problem { get; }
}
