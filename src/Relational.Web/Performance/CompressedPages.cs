using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Relational.Content;

namespace Relational.Performance;

/// <summary>
/// Compressed bodies of pages rendered for readers who opted in, looked up by a hash of the exact
/// bytes a request rendered. Such pages are rendered afresh for each reader, but readers in the same
/// place (the same part, started or finished) render the very same bytes, so those are compressed
/// once instead of on every view: a compressor's native state costs a few hundred KB and its CPU
/// was a sixth of a view. A request only ever receives the compression of its own bytes, so nothing
/// passes from one reader to another. Dropped when the content changes; bounded in size.
/// </summary>
internal sealed class CompressedPages(CatalogueProvider catalogue, IOptions<PageSnapshotOptions> options)
    : PerContentVersion<(UInt128 Hash, ContentCoding Coding), byte[]>(catalogue, options.Value.MaxEntries)
{
    /// <summary><paramref name="body"/> in <paramref name="coding"/> (Brotli or gzip).</summary>
    public byte[] Compress(ReadOnlySpan<byte> body, ContentCoding coding)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
        var key = (BinaryPrimitives.ReadUInt128LittleEndian(hash), coding);
        var bodies = Current;
        if (bodies.TryGet(key, out var kept))
        {
            return kept;
        }

        var compressed = coding == ContentCoding.Brotli ? Brotli(body) : Gzip(body);
        bodies.TryAdd(key, compressed);
        return compressed;
    }

    // A reader's view waits for these on a miss, so a middle setting: fast, and close to the smallest.
    private static byte[] Brotli(ReadOnlySpan<byte> body) => WholePage.Brotli(body, quality: 5, window: 20);

    private static byte[] Gzip(ReadOnlySpan<byte> body) => WholePage.Gzip(body, CompressionLevel.Optimal);
}
