using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Xml;
using SkiaSharp;

namespace Relational.Content;

/// <summary>
/// An image an author put beside an article's Markdown, held in memory as it was when the content
/// loaded: it is served from those bytes, so nothing on disk is opened for a request and no path
/// a reader sends can reach a file.
/// </summary>
public sealed record ArticleMedia(string Name, string ContentType, byte[] Bytes, string Hash, int? Width, int? Height)
{
    /// <summary>The image types the site serves, by file extension (lower case).</summary>
    public static readonly FrozenDictionary<string, string> Types = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static string TypeNames => "PNG, JPEG, GIF, WebP or SVG";

    /// <summary>Its address under the article, named by its bytes: a changed image is a new address, kept for a year.</summary>
    public string UrlIn(string articleSlug) => $"/{articleSlug}/{Uri.EscapeDataString(Name)}?v={Hash}";

    public static bool IsImageName(string name) => Types.ContainsKey(Path.GetExtension(name).ToLowerInvariant());

    /// <summary>
    /// The image from these bytes, or the problem with it: a file that is not the image its
    /// extension says, or whose size cannot be read (a page would shift when it arrives).
    /// </summary>
    public static (ArticleMedia? Media, string? Problem) From(string name, byte[] bytes)
    {
        var type = Types[Path.GetExtension(name).ToLowerInvariant()];
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        var (width, height, problem) = type == "image/svg+xml" ? SvgSize(bytes) : RasterSize(bytes, type);
        return problem is null
            ? (new ArticleMedia(name, type, bytes, hash, width, height), null)
            : (null, problem);
    }

    private static (int?, int?, string?) RasterSize(byte[] bytes, string type)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return (null, null, $"is not a readable image (expected {type})");
        }

        var actual = codec.EncodedFormat switch
        {
            SKEncodedImageFormat.Png => "image/png",
            SKEncodedImageFormat.Jpeg => "image/jpeg",
            SKEncodedImageFormat.Gif => "image/gif",
            SKEncodedImageFormat.Webp => "image/webp",
            _ => codec.EncodedFormat.ToString(),
        };
        return actual == type
            ? (codec.Info.Width, codec.Info.Height, null)
            : (null, null, $"holds {actual}, not the {type} its name says; rename it");
    }

    /// <summary>The root element's width and height, or its viewBox's; no DTD is read.</summary>
    private static (int?, int?, string?) SvgSize(byte[] bytes)
    {
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            reader.MoveToContent();
            if (reader.LocalName != "svg")
            {
                return (null, null, "is not an SVG image (its first element is not <svg>)");
            }

            if (Length(reader.GetAttribute("width")) is { } width && Length(reader.GetAttribute("height")) is { } height)
            {
                return (width, height, null);
            }

            var box = (reader.GetAttribute("viewBox") ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
            return box.Length == 4 && Length(box[2]) is { } boxWidth && Length(box[3]) is { } boxHeight
                ? (boxWidth, boxHeight, null)
                : (null, null, "gives no size (a width and height in pixels, or a viewBox), so the page cannot keep its place");
        }
        catch (XmlException e)
        {
            return (null, null, $"is not a readable SVG image ({e.Message})");
        }
    }

    private static int? Length(string? text)
    {
        var number = text?.Trim();
        if (number is not null && number.EndsWith("px", StringComparison.Ordinal))
        {
            number = number[..^2];
        }

        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? (int)Math.Round(value)
            : null;
    }
}
