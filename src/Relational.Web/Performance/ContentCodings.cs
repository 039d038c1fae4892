namespace Relational.Performance;

internal static class ContentCodings
{
    /// <summary>
    /// The coding Response Compression sends for this request's <c>Accept-Encoding</c>: the highest
    /// q-value, Brotli before gzip on a tie (its providers' order), <c>*</c> counting for both;
    /// "" for none. Cached pages are keyed by it, so every spelling of the header shares one entry.
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
