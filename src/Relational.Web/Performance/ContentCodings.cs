namespace Relational.Performance;

internal static class ContentCodings
{
    /// <summary>
    /// The coding a cacheable page is sent in for this request's <c>Accept-Encoding</c>: the highest
    /// q-value, Brotli before gzip on a tie (Response Compression's providers' order), <c>*</c>
    /// counting for a coding not named; "" for none. Cached pages are keyed by it, and the request's
    /// header is set to it, so every spelling shares one entry and Response Compression sends that
    /// coding. Not <c>IResponseCompressionProvider.GetCompressionProvider</c>: its <c>*</c> adds every
    /// coding and ends the list, so it sends Brotli for <c>br;q=0, *</c> and for <c>*;q=0.5, gzip</c>
    /// (PageCacheTests.A_kept_page_comes_in_the_coding_the_reader_weighs_highest).
    /// </summary>
    public static string Preferred(HttpRequest request)
    {
#if BENCH_FRAMEWORK_CODING
        // bench/homemade.sh only: the choice as Response Compression's own provider makes it.
        return request.HttpContext.RequestServices.GetRequiredService<Microsoft.AspNetCore.ResponseCompression.IResponseCompressionProvider>()
            .GetCompressionProvider(request.HttpContext)?.EncodingName ?? "";
#else
        double brotli = -1, gzip = -1, any = -1;
        foreach (var coding in request.GetTypedHeaders().AcceptEncoding)
        {
            var quality = coding.Quality ?? 1;
            if (coding.Value.Equals("br", StringComparison.OrdinalIgnoreCase))
            {
                brotli = quality;
            }
            else if (coding.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase))
            {
                gzip = quality;
            }
            else if (coding.Value.Equals("*", StringComparison.Ordinal))
            {
                any = quality;
            }
        }

        brotli = brotli < 0 ? any : brotli;
        gzip = gzip < 0 ? any : gzip;
        if (brotli > 0 && brotli >= gzip)
        {
            return "br";
        }

        return gzip > 0 ? "gzip" : "";
#endif
    }
}
