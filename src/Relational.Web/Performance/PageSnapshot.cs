using System.Buffers.Text;
using System.Collections.Frozen;
using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Relational.Performance;

/// <summary>
/// One page as every anonymous reader receives it, rendered once and kept ready to send as it
/// is, as Brotli and as gzip. Each of the three has its own strong ETag, derived from the page's bytes.
/// </summary>
internal sealed class PageSnapshot
{
    // Headers that describe one response or one representation, set afresh each time it is sent.
    private static readonly FrozenSet<string> PerResponseHeaders = new[]
    {
        HeaderNames.Date, HeaderNames.Server, HeaderNames.ContentLength, HeaderNames.TransferEncoding,
        HeaderNames.ETag, HeaderNames.CacheControl, HeaderNames.Vary, HeaderNames.ContentEncoding,
        HeaderNames.SetCookie,
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private readonly Representation _identity;
    private readonly Representation _brotli;
    private readonly Representation _gzip;

    private PageSnapshot(Representation identity, Representation brotli, Representation gzip, KeyValuePair<string, StringValues>[] headers)
    {
        _identity = identity;
        _brotli = brotli;
        _gzip = gzip;
        Headers = headers;
    }

    /// <summary>The page's own headers (Content-Type, and any a middleware added), to repeat on every send.</summary>
    public IReadOnlyList<KeyValuePair<string, StringValues>> Headers { get; }

    public static PageSnapshot Create(ReadOnlySpan<byte> body, IHeaderDictionary headers)
    {
        var tag = Base64Url.EncodeToString(SHA256.HashData(body).AsSpan(0, 16));
        return new PageSnapshot(
            new Representation(body.ToArray(), null, $"\"{tag}\""),
            new Representation(Brotli(body), "br", $"\"{tag}-br\""),
            new Representation(Gzip(body), "gzip", $"\"{tag}-gz\""),
            [.. headers.Where(header => !PerResponseHeaders.Contains(header.Key))]);
    }

    public Representation For(ContentCoding coding) => coding switch
    {
        ContentCoding.Brotli => _brotli,
        ContentCoding.Gzip => _gzip,
        _ => _identity,
    };

    // Compressed once per page and content version, so the slowest, smallest settings are affordable.
    private static byte[] Brotli(ReadOnlySpan<byte> body) => WholePage.Brotli(body, quality: 11, window: 22);

    private static byte[] Gzip(ReadOnlySpan<byte> body) => WholePage.Gzip(body, CompressionLevel.SmallestSize);
}

/// <summary>Compresses a whole page in one go.</summary>
internal static class WholePage
{
    public static byte[] Brotli(ReadOnlySpan<byte> body, int quality, int window)
    {
        var output = new byte[BrotliEncoder.GetMaxCompressedLength(body.Length)];
        if (!BrotliEncoder.TryCompress(body, output, out var written, quality, window))
        {
            throw new InvalidOperationException("Brotli could not compress a page into its maximum compressed length.");
        }

        return output[..written];
    }

    public static byte[] Gzip(ReadOnlySpan<byte> body, CompressionLevel level)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, level, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return output.ToArray();
    }
}

/// <summary>The bytes of a page in one content coding (null: sent as it is) and their ETag.</summary>
internal sealed record Representation(byte[] Body, string? ContentEncoding, string ETag);
