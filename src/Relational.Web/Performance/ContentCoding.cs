using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Relational.Performance;

/// <summary>The ways a page can be sent: as it is, gzip, or Brotli.</summary>
internal enum ContentCoding
{
    Identity,
    Gzip,
    Brotli,
}

internal static class AcceptEncoding
{
    /// <summary>
    /// The coding to send for an <c>Accept-Encoding</c> header: the acceptable one with the highest
    /// q-value, Brotli before gzip on a tie (it is smaller); none acceptable means identity.
    /// </summary>
    public static ContentCoding Choose(StringValues header)
    {
        double brotli = -1, gzip = -1, any = -1;
        foreach (var value in header)
        {
            var remaining = value.AsSpan();
            foreach (var range in remaining.Split(','))
            {
                var entry = remaining[range];
                var semicolon = entry.IndexOf(';');
                var coding = (semicolon < 0 ? entry : entry[..semicolon]).Trim();
                var quality = semicolon < 0 ? 1 : Quality(entry[(semicolon + 1)..]);
                if (coding.Equals("br", StringComparison.OrdinalIgnoreCase))
                {
                    brotli = quality;
                }
                else if (coding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
                {
                    gzip = quality;
                }
                else if (coding.SequenceEqual("*"))
                {
                    any = quality;
                }
            }
        }

        brotli = brotli < 0 ? any : brotli;
        gzip = gzip < 0 ? any : gzip;
        if (brotli > 0 && brotli >= gzip)
        {
            return ContentCoding.Brotli;
        }

        return gzip > 0 ? ContentCoding.Gzip : ContentCoding.Identity;
    }

    private static double Quality(ReadOnlySpan<char> parameters)
    {
        parameters = parameters.Trim();
        if (parameters.Length < 2 || (parameters[0] is not ('q' or 'Q')) || parameters[1] != '=')
        {
            return 1;
        }

        return double.TryParse(parameters[2..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var q) ? q : 0;
    }
}
