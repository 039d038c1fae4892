using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Relational.Content;
using SkiaSharp;

namespace Relational.Reading;

/// <summary>What a link-preview card shows: a small line above, the title, a line below, and a foot.</summary>
public sealed record PreviewCard(string Kicker, string Title, string Subtitle, string Foot)
{
    /// <summary>The neutral card of discreet addresses: nothing about what is read.</summary>
    public static readonly PreviewCard Neutral = new("", "Reading", "", "");

    public static PreviewCard For(Article article, Part part) =>
        new("Relational", part.Title, article.Title, $"Part {part.Number} of {article.Parts.Length}");

    /// <summary>The home page's card: the site and what it is, nothing about any one topic.</summary>
    public static PreviewCard ForSite(string siteName) =>
        new(siteName, "A calm, self-guided reading series", "One short part at a time, at your own pace.", "No tracking. Nothing stored unless you ask.");

    public static PreviewCard For(Article article) =>
        new("Relational", article.Title, $"A reading series in {article.Parts.Length} short parts", article.Credit);

    /// <summary>Names this card's look: part of its address, so a changed title gets a new image and caches can keep each for a year.</summary>
    public string Version => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{PreviewCards.Design}\n{Kicker}\n{Title}\n{Subtitle}\n{Foot}")))[..12];
}

/// <summary>
/// Draws the 1200×630 PNG a chat or social app shows when a part is shared, from the content
/// itself, in the site's palette and with the font shipped in Reading/Fonts (never a system
/// font), so the same card comes out on every machine. Each card is drawn once and kept; the
/// cards are as many as the parts.
/// </summary>
public sealed class PreviewCards : IDisposable
{
    public const int Width = 1200;
    public const int Height = 630;

    /// <summary>Changes when the drawing below changes, so cached images are replaced.</summary>
    internal const string Design = "card-1";

    // The site's light palette (site.css).
    private static readonly SKColor Background = SKColor.Parse("#fbfaf7");
    private static readonly SKColor Panel = SKColor.Parse("#f1eee7");
    private static readonly SKColor Text = SKColor.Parse("#1f2328");
    private static readonly SKColor Muted = SKColor.Parse("#4f565e");
    private static readonly SKColor Accent = SKColor.Parse("#3d6b5c");
    private static readonly SKColor Mark = SKColor.Parse("#5b7a6e");

    private readonly SKTypeface _regular;
    private readonly SKTypeface _bold;
    private readonly ConcurrentDictionary<PreviewCard, byte[]> _drawn = new();
    private (ContentCatalogue Content, Dictionary<string, PreviewCard> ByVersion) _known = (null!, []);

    public PreviewCards()
    {
        var fonts = System.IO.Path.Combine(AppContext.BaseDirectory, "Reading", "Fonts");
        _regular = SKTypeface.FromFile(System.IO.Path.Combine(fonts, "DejaVuSerif.ttf"))
            ?? throw new InvalidOperationException($"The preview font is missing from {fonts}");
        _bold = SKTypeface.FromFile(System.IO.Path.Combine(fonts, "DejaVuSerif-Bold.ttf"))
            ?? throw new InvalidOperationException($"The preview font is missing from {fonts}");
    }

    /// <summary>The address of a card: its version alone, so it names nothing that is read.</summary>
    public static string Path(PreviewCard card) => $"/previews/{card.Version}.png";

    /// <summary>The card of the current content (or the site's home) at this version, if there is one.</summary>
    public PreviewCard? Find(ContentCatalogue content, string siteName, string version)
    {
        var known = _known;
        if (!ReferenceEquals(known.Content, content))
        {
            var cards = new List<PreviewCard> { PreviewCard.Neutral, PreviewCard.ForSite(siteName) };
            foreach (var article in content.Articles)
            {
                cards.Add(PreviewCard.For(article));
                cards.AddRange(article.Parts.Select(part => PreviewCard.For(article, part)));
            }

            known = (content, cards.DistinctBy(c => c.Version).ToDictionary(c => c.Version, StringComparer.Ordinal));
            _known = known;
        }

        return known.ByVersion.GetValueOrDefault(version);
    }

    /// <summary>The card as PNG bytes. Only cards of real content are asked for, so the kept set stays small.</summary>
    public byte[] Png(PreviewCard card) => _drawn.GetOrAdd(card, Draw);

    public void Dispose()
    {
        _regular.Dispose();
        _bold.Dispose();
    }

    private byte[] Draw(PreviewCard card)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(Background);
            using var fill = new SKPaint { IsAntialias = true };
            fill.Color = Panel;
            canvas.DrawRect(0, Height - 120, Width, 120, fill);
            fill.Color = Accent;
            canvas.DrawRect(0, 0, 16, Height, fill);
            fill.Color = Mark;
            canvas.DrawCircle(Width - 110, 110, 36, fill);

            const float left = 96;
            const float maxWidth = Width - 2 * left - 60;
            var y = 130f;
            if (card.Kicker.Length > 0)
            {
                y = DrawLines(canvas, card.Kicker, _regular, 36, Muted, left, y, maxWidth, 1) + 40;
            }
            else
            {
                y = 250;
            }

            y = DrawLines(canvas, card.Title, _bold, 66, Text, left, y + 40, maxWidth, 3);
            if (card.Subtitle.Length > 0)
            {
                DrawLines(canvas, card.Subtitle, _regular, 36, Muted, left, y + 72, maxWidth, 2);
            }

            if (card.Foot.Length > 0)
            {
                DrawLines(canvas, card.Foot, _bold, 38, Accent, left, Height - 48, maxWidth, 1);
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Draws text wrapped at word boundaries, at most <paramref name="maxLines"/> lines (the last ends in "…" if cut); returns the last baseline.</summary>
    private static float DrawLines(SKCanvas canvas, string text, SKTypeface typeface, float size, SKColor color, float x, float firstBaseline, float maxWidth, int maxLines)
    {
        using var font = new SKFont(typeface, size) { Edging = SKFontEdging.Antialias, Subpixel = false, Hinting = SKFontHinting.None };
        using var paint = new SKPaint { IsAntialias = true, Color = color };
        var lines = Wrap(text, font, maxWidth, maxLines);
        var y = firstBaseline;
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0)
            {
                y += size * 1.25f;
            }

            canvas.DrawText(lines[i], x, y, SKTextAlign.Left, font, paint);
        }

        return y;
    }

    private static List<string> Wrap(string text, SKFont font, float maxWidth, int maxLines)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && font.MeasureText(candidate) > maxWidth)
            {
                lines.Add(line);
                line = word;
            }
            else
            {
                line = candidate;
            }
        }

        if (line.Length > 0)
        {
            lines.Add(line);
        }

        if (lines.Count > maxLines)
        {
            lines = lines[..maxLines];
            lines[^1] = lines[^1].TrimEnd('.', ',', ' ') + "…";
        }

        return lines;
    }
}
