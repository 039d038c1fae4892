using System.Diagnostics;
using System.Text.Json;

namespace Relational.Tests.Clients;

/// <summary>
/// Runs a client that nobody here wrote (lynx, or a node script over a pinned npm library in
/// tests/clients) against the live site, bounded in time, and hands back what it printed.
/// </summary>
public static class ClientTool
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    public static async Task<string> RunAsync(string program, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {Limit}");
        }

        Assert.True(process.ExitCode == 0, $"{program} exited with {process.ExitCode}: {Printable(await errors)}");
        return Printable(await output);
    }

    /// <summary>
    /// The text with each control character but line breaks and tabs shown as its Unicode picture
    /// (ESC as ␛). What a tool prints often ends up in a failing assertion's message, and the test
    /// runner silently drops the result of a test whose message holds one: the failure would vanish
    /// from the count (lynx's screen is full of terminal escapes).
    /// </summary>
    public static string Printable(string text) =>
        new([.. text.Select(c => c switch
        {
            '\n' or '\r' or '\t' => c,
            < ' ' => (char)(0x2400 + c),
            '\u007f' => '\u2421',
            _ => c,
        })]);

    /// <summary>Runs tests/clients/<paramref name="script"/> with node over the given addresses; one JSON object a line back.</summary>
    public static async Task<List<JsonElement>> NodeAsync(string script, IEnumerable<string> urls, IDictionary<string, string>? environment = null)
    {
        var modules = Path.Combine(Paths.RepositoryRoot, "node_modules");
        Assert.True(Directory.Exists(modules), "node_modules is missing: run `npm ci` (tests/run-all.sh does)");
        var output = await RunAsync("node", [Path.Combine(Paths.RepositoryRoot, "tests", "clients", script), .. urls], Paths.RepositoryRoot, environment);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }
}
