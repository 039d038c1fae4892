namespace Relational.Site;

/// <summary>
/// Something the site needs before it can serve a reader is missing or broken. Its message is one
/// sentence for the operator, printed alone (no stack trace), and the process exits with code 1.
/// </summary>
public sealed class CannotStartException : Exception
{
    public CannotStartException()
    {
    }

    public CannotStartException(string message)
        : base(message)
    {
    }

    public CannotStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
