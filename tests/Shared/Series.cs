using System.Globalization;

namespace Relational.Tests;

/// <summary>
/// The one series on the site as a reader knows it: its address, title, and its ten parts in order.
/// Written out here rather than read from <c>content/</c>, so that a lost part, a changed address
/// or a retitled part fails the tests that use it. Every test project uses this one list.
/// </summary>
public static class Series
{
    public const string Slug = "healing-trauma-in-relationship";

    public const string Url = "/" + Slug;

    /// <summary>The whole article on one page.</summary>
    public const string WholeUrl = Url + "/all";

    /// <summary>The series' own file (its title, address and summary), relative to a content folder.</summary>
    public const string ArticleFile = Slug + "/article.md";

    public const string Title = "Healing Trauma in Relationship—Not in Isolation";

    /// <summary>Part 1 is the opening lines; parts 2–10 start at each of the article's headings.</summary>
    public static readonly IReadOnlyList<(string Slug, string Title)> Parts =
    [
        ("before-we-begin", "Before We Begin"),
        ("trauma-was-formed-in-relationship", "Trauma Was Formed in Relationship"),
        ("why-self-work-alone-often-isnt-enough", "Why Self-Work Alone Often Isn’t Enough"),
        ("healing-requires-a-different-relational-experience", "Healing Requires a Different Relational Experience"),
        ("why-therapy-can-feel-so-vulnerable", "Why Therapy Can Feel So Vulnerable"),
        ("safety-is-built-not-assumed", "Safety Is Built, Not Assumed"),
        ("what-changes-when-healing-happens-in-relationship", "What Changes When Healing Happens in Relationship"),
        ("you-were-never-meant-to-do-this-alone", "You Were Never Meant to Do This Alone"),
        ("relationship-as-medicine", "Relationship as Medicine"),
        ("a-gentle-invitation", "A Gentle Invitation"),
    ];

    /// <summary>The slug of part <paramref name="number"/> (1 to 10).</summary>
    public static string PartSlug(int number) => Parts[number - 1].Slug;

    /// <summary>The address of part <paramref name="number"/> (1 to 10).</summary>
    public static string PartUrl(int number) => $"{Url}/{PartSlug(number)}";

    /// <summary>The file of part <paramref name="number"/> (1 to 10), relative to a content folder.</summary>
    public static string PartFile(int number) => $"{Slug}/{number.ToString("00", CultureInfo.InvariantCulture)}-{PartSlug(number)}.md";
}
