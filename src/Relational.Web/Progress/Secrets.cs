using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Relational.Progress;

/// <summary>
/// The random value in a reader's cookie: 256 bits, base64url. Only its SHA-256 hash is stored,
/// so a copy of the database does not let anyone act as a reader.
/// </summary>
public sealed class ReaderKey : Secret
{
    private ReaderKey(string value) : base(value)
    {
    }

    public static ReaderKey New() => new(Generate());

    public static bool TryParse(string? text, [NotNullWhen(true)] out ReaderKey? key)
    {
        key = IsWellFormed(text) ? new ReaderKey(text!) : null;
        return key is not null;
    }
}

/// <summary>The secret part of a private resume link: 256 bits, base64url, stored only as a hash.</summary>
public sealed class ResumeToken : Secret
{
    private ResumeToken(string value) : base(value)
    {
    }

    public static ResumeToken New() => new(Generate());

    public static bool TryParse(string? text, [NotNullWhen(true)] out ResumeToken? token)
    {
        token = IsWellFormed(text) ? new ResumeToken(text!) : null;
        return token is not null;
    }
}

/// <summary>
/// A random secret. <see cref="ToString"/> is redacted so a secret never reaches a log by accident;
/// <see cref="Value"/> is read only where it must leave the server (the cookie, the link).
/// </summary>
public abstract class Secret
{
    private const int Bytes = 32;
    private static readonly int EncodedLength = Base64Url.GetEncodedLength(Bytes);

    protected Secret(string value) => Value = value;

    public string Value { get; }

    public byte[] Hash() => SHA256.HashData(Base64Url.DecodeFromChars(Value));

    public override string ToString() => "[secret]";

    protected static string Generate() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(Bytes));

    protected static bool IsWellFormed(string? text) =>
        text is not null && text.Length == EncodedLength && Base64Url.IsValid(text, out var length) && length == Bytes;
}
