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

    /// <summary>A problem at a line of the file (from 1).</summary>
    public ContentException(string file, string problem, int line)
        : base(new ContentProblem(file, line, problem).ToString())
    {
        File = file;
        Problem = problem;
        Line = line;
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

    /// <summary>The line (from 1) the problem is on; 0 when it is the whole file.</summary>
    public int Line { get; }

    public ContentProblem ToProblem() => new(File, Line, Problem);
}
