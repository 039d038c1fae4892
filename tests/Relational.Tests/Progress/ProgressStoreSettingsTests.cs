using System.Diagnostics;

namespace Relational.Tests.Progress;

/// <summary>Settings that cannot work stop the published site at start-up with one clear sentence.</summary>
public sealed class ProgressStoreSettingsTests
{
    public static TheoryData<string, string?, string> Refused() => new()
    {
        { "PostgreSql", null, "ConnectionStrings:Progress (environment: ConnectionStrings__Progress) is not set" },
        { "PostgreSql", "Host=127.0.0.1;Port=not-a-port;Password=hunter2", "is not a valid Npgsql connection string" },
        { "PostgreSql", "this is not a connection string", "is not a valid Npgsql connection string" },
        { "Postgres", null, "Progress:Store must be Sqlite or PostgreSql" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Start_up_stops_with_one_sentence_and_exit_code_1(string store, string? connectionString, string sentence)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Relational.Web.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Content__Path"] = Paths.Content;
        start.Environment["Progress__Store"] = store;
        if (connectionString is not null)
        {
            start.Environment["ConnectionStrings__Progress"] = connectionString;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var said = (await output + await errors).Trim();

        Assert.Equal(1, process.ExitCode);
        Assert.Contains(sentence, said);
        Assert.Single(said.Split('\n'));
        Assert.DoesNotContain("hunter2", said);
        Assert.DoesNotContain(" at ", said);
    }
}
