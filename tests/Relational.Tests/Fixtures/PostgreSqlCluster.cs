using Npgsql;

namespace Relational.Tests.Fixtures;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests: Debian's <c>initdb</c> and <c>pg_ctl</c> from
/// <c>/usr/lib/postgresql/*/bin</c>, its data and Unix socket in a new temporary folder, listening
/// on a free loopback port only; run as the <c>postgres</c> user when the tests run as root
/// (PostgreSQL refuses to run as root). Stopped and deleted afterwards.
/// </summary>
public sealed class PostgreSqlCluster : IAsyncLifetime
{
    private readonly string _bin = FindBin();
    private int _databases;

    public string Folder { get; } = Directory.CreateTempSubdirectory("relational-pg-").FullName;

    public int Port { get; } = Tool.FreePort();

    private string Data => Path.Combine(Folder, "data");

    public async ValueTask InitializeAsync()
    {
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["-R", "postgres:postgres", Folder]);
        }

        await PgAsync("initdb", ["-D", Data, "--auth=trust", "--username=postgres", "--encoding=UTF8", "--no-sync", "--no-instructions"]);
        await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>
    /// Starts (or restarts) the server and waits until it takes connections. Nothing is synced to
    /// disk (fsync off: speed), but a commit is written out before it returns unless it asked
    /// not to wait for that (synchronous_commit off); one that asked would stay in the server's
    /// memory for up to 10 s here (wal_writer_delay), so a crash test sees the difference.
    /// </summary>
    public Task StartAsync() => PgAsync("pg_ctl", [
        "-D", Data, "-l", Path.Combine(Folder, "server.log"), "-w", "-t", "60", "start",
        "-o", $"-p {Port} -k {Folder} -c listen_addresses=127.0.0.1 -c fsync=off -c wal_writer_delay=10s -c max_connections=200",
    ]);

    /// <summary>Stops the server at once (as a crash would), leaving its data for a restart.</summary>
    public Task StopAsync() => PgAsync("pg_ctl", ["-D", Data, "-w", "-m", "immediate", "stop"], check: false);

    /// <summary>A new empty database; returns an Npgsql connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"relational_{Interlocked.Increment(ref _databases)}";
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = database,
        Username = "postgres",
        Pooling = false,
    }.ConnectionString;

    private static string FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault() ?? throw new InvalidOperationException("PostgreSQL is not installed: tests/run-all.sh installs Debian's postgresql package.")
            : throw new InvalidOperationException("PostgreSQL is not installed: tests/run-all.sh installs Debian's postgresql package.");

    private Task<string> PgAsync(string tool, string[] arguments, bool check = true) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments], check)
            : RunAsync(Path.Combine(_bin, tool), arguments, check);

    private static Task<string> RunAsync(string file, string[] arguments, bool check = true) =>
        Tool.RunAsync(file, arguments, TimeSpan.FromSeconds(90), check);
}

/// <summary>Every test class that needs PostgreSQL shares one cluster, and runs one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class PostgreSqlTests : ICollectionFixture<PostgreSqlCluster>
{
    public const string Name = "PostgreSQL";
}
