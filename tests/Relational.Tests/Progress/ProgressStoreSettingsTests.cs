using Relational.Tests.Sites;


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
        (string Key, string Value)[] settings = connectionString is null
            ? [("Content__Path", Paths.Content), ("Progress__Store", store)]
            : [("Content__Path", Paths.Content), ("Progress__Store", store), ("ConnectionStrings__Progress", connectionString)];
        using var site = new SiteProcess("dotnet", [Path.Combine(AppContext.BaseDirectory, "Relational.Web.dll")], AppContext.BaseDirectory, databasePath: null, settings);

        var exitCode = await site.ExitCodeAsync();
        var said = site.Output.Trim();

        Assert.Equal(1, exitCode);
        Assert.Contains(sentence, said);
        Assert.Single(said.Split('\n'));
        Assert.DoesNotContain("hunter2", said);
        Assert.DoesNotContain(" at ", said);
    }
}
