using System.Text.Json;
using System.Text.RegularExpressions;

namespace Relational.Tests.Site;

/// <summary>The settings table of docs/configuration.md and appsettings.json name the same settings.</summary>
public sealed partial class ConfigurationDocsTests
{
    [Fact]
    public void Every_setting_in_the_documented_table_is_in_appsettings_json_and_every_setting_there_is_in_the_table()
    {
        var part = File.ReadAllText(Path.Combine(Paths.RepositoryRoot, "docs", "configuration.md"));
        var rows = TableRow().Matches(part).ToList();
        var documented = rows.Where(r => !r.Value.Contains("not in `appsettings.json`", StringComparison.Ordinal))
            .Select(r => r.Groups["key"].Value).ToHashSet(StringComparer.Ordinal);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Paths.RepositoryRoot, "src", "Relational.Web", "appsettings.json")));
        var configured = Leaves(json.RootElement, "").ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(documented);
        Assert.Empty(documented.Except(configured));
        // Log levels (the Serilog section) are described under Logging, not in the table.
        Assert.Empty(configured.Where(key => !key.StartsWith("Serilog:", StringComparison.Ordinal)).Except(rows.Select(r => r.Groups["key"].Value)));
    }

    private static IEnumerable<string> Leaves(JsonElement element, string prefix) =>
        element.ValueKind == JsonValueKind.Object
            ? element.EnumerateObject().SelectMany(p => Leaves(p.Value, prefix.Length == 0 ? p.Name : prefix + ":" + p.Name))
            : [prefix];

    [GeneratedRegex(@"^\| `(?<key>[A-Za-z]+(?::[A-Za-z]+)*)` \|.*$", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
