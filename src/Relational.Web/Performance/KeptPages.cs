using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Relational.Content;

namespace Relational.Performance;

/// <summary>
/// The exact bytes and headers of each page the output cache keeps, answered before routing and
/// everything after it, because the output cache alone falls short of the throughput target for
/// a part page (docs/benchmarks.md). Nothing is decided here: a request is answered only when
/// <see cref="AnonymousPagesPolicy"/> would look it up, and a page is kept only when the output
/// cache stores it, as it was sent: its ETag, security headers and coding included. Anything else
/// (a conditional request, a page not kept here yet or kept too long ago) goes on to the output
/// cache, as does every page once the content changes.
/// </summary>
internal sealed class KeptPages
{
    // Far more than one article can fill (pages x codings x ?discreet=1 x schemes x own names).
    internal const int MaxPages = 2048;

    // A page's bytes beyond this are not kept here (the output cache still keeps them).
    private const int MaxBodyBytes = 1024 * 1024;

    // Set afresh for each response, by Kestrel or below.
    private static readonly FrozenSet<string> PerResponse = new[]
    {
        HeaderNames.Date, HeaderNames.Server, HeaderNames.ContentLength, HeaderNames.TransferEncoding,
        HeaderNames.Age, HeaderNames.SetCookie,
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private readonly ConcurrentDictionary<Key, Page> _pages = new();
    private readonly Lock _keeping = new();
    private readonly AnonymousPagesPolicy _policy;
    private readonly CanonicalOrigins _origins;
    private readonly CatalogueProvider _catalogue;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly TimeSpan _expiration;
    private readonly long _byteLimit;
    private long _bytes;

    public KeptPages(AnonymousPagesPolicy policy, CanonicalOrigins origins, CatalogueProvider catalogue,
        IOptions<PageCacheOptions> options)
    {
        _policy = policy;
        _origins = origins;
        _catalogue = catalogue;
        _expiration = options.Value.Expiration;
        _byteLimit = options.Value.SizeLimitMegabytes * 1024L * 1024;
        ChangeToken.OnChange(catalogue.GetChangeToken, Clear);
    }

    public int Count => _pages.Count;

    /// <summary>The bytes of the pages held; never more than <see cref="PageCacheOptions.SizeLimitMegabytes"/>.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>In front of routing: a kept page is sent as it is; anything else goes on.</summary>
    public Task AnswerAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!StringValues.IsNullOrEmpty(request.Headers.IfNoneMatch)
            || !StringValues.IsNullOrEmpty(request.Headers.IfModifiedSince)
            || !_policy.IsCacheableRequest(context)
            || !_pages.TryGetValue(KeyOf(request), out var page))
        {
            return next(context);
        }

        var age = _time.GetUtcNow() - page.Kept;
        if (age >= _expiration)
        {
            return next(context);
        }

        // The page's own endpoint, for the request log's route when every request is logged, and
        // what it counts as for the readership figures (no route values here to tell it by).
        context.SetEndpoint(page.Endpoint);
        if (page.Tally is not null)
        {
            context.Features.Set(page.Tally);
        }

        var response = context.Response;
        var headers = response.Headers;
        foreach (var (name, value) in page.Headers)
        {
            headers[name] = value;
        }

        headers.Age = HeaderUtilities.FormatNonNegativeInt64((long)age.TotalSeconds);
        headers.ContentLength = page.Body.Length;
        if (HttpMethods.IsHead(request.Method))
        {
            return Task.CompletedTask;
        }

        var write = response.BodyWriter.WriteAsync(page.Body, context.RequestAborted);
        return write.IsCompletedSuccessfully ? Task.CompletedTask : write.AsTask();
    }

    /// <summary>
    /// Just inside the output cache, around compression: a page it is about to store is copied
    /// as sent, and kept here once it was sent whole.
    /// </summary>
    public async Task CopyAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method)
            || context.Features.Get<IOutputCacheFeature>()?.Context is not { AllowCacheStorage: true }
            || !_policy.IsCacheable(context))
        {
            await next(context);
            return;
        }

        var content = _catalogue.GetChangeToken();
        var original = context.Response.Body;
        await using var copy = new CopyingStream(original, MaxBodyBytes);
        context.Response.Body = copy;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        var response = context.Response;
        if (copy.Copied is { } body && !context.RequestAborted.IsCancellationRequested
            && AnonymousPagesPolicy.MayKeep(response))
        {
            var headers = response.Headers.Where(header => !PerResponse.Contains(header.Key)).ToArray();
            Keep(KeyOf(request), new Page(body, headers, _time.GetUtcNow(), context.GetEndpoint(), Readership.ReadershipPages.TallyOf(context)), content);
        }
    }

    private void Keep(Key key, Page page, IChangeToken renderedFrom)
    {
        lock (_keeping)
        {
            // Rendered before the content changed: the change has cleared, or is about to clear,
            // what was kept, and this page must not outlive it.
            if (renderedFrom.HasChanged)
            {
                return;
            }

            if (_pages.TryRemove(key, out var replaced))
            {
                Interlocked.Add(ref _bytes, -replaced.Body.Length);
            }

            // Full: everything goes, so nothing is ever refused for good. Until the output cache
            // renders a page again (at the latest when its entry expires) it answers that page
            // itself.
            if (_pages.Count >= MaxPages || _bytes + page.Body.Length > _byteLimit)
            {
                ClearHeld();
            }

            if (page.Body.Length <= _byteLimit)
            {
                _pages[key] = page;
                Interlocked.Add(ref _bytes, page.Body.Length);
            }
        }
    }

    private void Clear()
    {
        lock (_keeping)
        {
            ClearHeld();
        }
    }

    private void ClearHeld()
    {
        _pages.Clear();
        Interlocked.Exchange(ref _bytes, 0);
    }

    // Scheme (HSTS is sent over HTTPS only), Host unless pages ignore it, address, coding.
    private Key KeyOf(HttpRequest request) => new(
        request.IsHttps,
        _origins.PagesIgnoreHost ? "" : request.Host.Value ?? "",
        request.Path.Value ?? "",
        request.QueryString.Value ?? "",
        ContentCodings.Preferred(request));

    private readonly record struct Key(bool Https, string Host, string Path, string Query, string Coding);

    private sealed record Page(byte[] Body, KeyValuePair<string, StringValues>[] Headers, DateTimeOffset Kept, Endpoint? Endpoint, Readership.Tally? Tally);

    /// <summary>Passes every write on, and keeps a copy of the bytes up to a limit.</summary>
    private sealed class CopyingStream(Stream inner, int limit) : Stream
    {
        private readonly MemoryStream _copy = new();
        private bool _tooLong;

        /// <summary>The bytes written, or null when there were none or more than the limit.</summary>
        public byte[]? Copied => _tooLong || _copy.Length == 0 ? null : _copy.ToArray();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Copy(buffer);
            inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Copy(buffer.Span);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        private void Copy(ReadOnlySpan<byte> bytes)
        {
            if (_tooLong || _copy.Length + bytes.Length > limit)
            {
                _tooLong = true;
                return;
            }

            _copy.Write(bytes);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _copy.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
