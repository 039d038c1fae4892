using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Relational.Tests.Sites;

/// <summary>
/// The built site run as its own process, as in production (<c>dotnet Relational.Web.dll</c>),
/// on a free loopback port with its own SQLite file: so it can be killed, and its console read.
/// </summary>
public sealed class SiteProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _errors = new();

    public SiteProcess(string databasePath, params (string Key, string Value)[] settings)
        : this(databasePath, openFileLimit: null, settings)
    {
    }

    /// <summary>With an open-file limit, the process runs under <c>prlimit --nofile</c> (soft and hard).</summary>
    public SiteProcess(string databasePath, int? openFileLimit, params (string Key, string Value)[] settings)
        : this(
            openFileLimit is null ? "dotnet" : "prlimit",
            openFileLimit is { } limit
                ? [$"--nofile={limit}", "dotnet", Path.Combine(AppContext.BaseDirectory, "Relational.Web.dll")]
                : [Path.Combine(AppContext.BaseDirectory, "Relational.Web.dll")],
            AppContext.BaseDirectory,
            databasePath,
            [("Content__Path", Paths.Content), .. settings])
    {
    }

    /// <summary>
    /// Any way of starting the site (a published build, <c>dotnet run</c>), from
    /// <paramref name="workingDirectory"/>, in Production, on a free loopback port.
    /// </summary>
    public SiteProcess(string fileName, string[] arguments, string workingDirectory, string? databasePath, (string Key, string Value)[] settings, int? port = null)
    {
        DatabasePath = databasePath;
        Port = port ?? FreePort();
        ManagementPort = FreePort();
        Log = new CapturedLogStream($"the site process on port {Port}");
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}";
        // Its own, so that sites running side by side do not all ask for the default port.
        start.Environment["Management__Urls"] = $"http://127.0.0.1:{ManagementPort}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Production requires it (as an operator sets it); a test about its absence sets it empty.
        start.Environment["Site__PublicOrigin"] = $"http://127.0.0.1:{Port}";
        start.Environment["Content__WatchForChanges"] = "false";
        if (databasePath is not null)
        {
            start.Environment["Progress__DatabasePath"] = databasePath;
        }

        start.Environment["Safety__PostsPerWindow"] = "1000000";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            Append(e.Data);
            if (e.Data is not null)
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    /// <summary>The publisher's address (readership figures), apart from the readers'.</summary>
    public int ManagementPort { get; }

    public Uri ManagementAddress => new($"http://127.0.0.1:{ManagementPort}");

    public string? DatabasePath { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public bool HasExited => _process.HasExited;

    /// <summary>What the site wrote to its console (its log), kept off the test run's output.</summary>
    public CapturedLogStream Log { get; }

    /// <summary>Everything the site wrote to its console (its log).</summary>
    public string Output => Log.Text;

    /// <summary>What the process wrote to standard error alone.</summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        // A deadline rather than a count of attempts: on a machine shared by several builds, a
        // start (`dotnet run` evaluates the project first) can take well over 30 s.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_process.HasExited, "the site stopped: " + Output);
            try
            {
                using var response = await client.GetAsync(new Uri(Address, "/healthz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        Assert.Fail("the site did not start within 120 s: " + Output);
    }

    /// <summary>Waits for the site to end on its own (it refused to start) and gives its exit code.</summary>
    public async Task<int> ExitCodeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown, no flush, no goodbye.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Ends the site as an operator would (SIGTERM) so that its log is complete.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _process.WaitForExitAsync(timeout.Token);
        }

        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        Log.Finish();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            Log.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
