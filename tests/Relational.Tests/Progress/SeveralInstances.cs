using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Relational.Tests.Safety;

namespace Relational.Tests.Progress;

/// <summary>The site published once (<c>dotnet publish</c>) into a temporary folder, shared by the tests that start instances of it.</summary>
public sealed class PublishedBuild : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("relational-publish-").FullName;

    public string Dll => Path.Combine(Folder, "Relational.Web.dll");

    public async Task InitializeAsync()
    {
        var project = Path.Combine(Paths.RepositoryRoot, "src", "Relational.Web", "Relational.Web.csproj");
        var said = await Tool.RunAsync("dotnet", ["publish", project, "-c", "Release", "-o", Folder, "--nologo", "-v", "quiet"], TimeSpan.FromMinutes(8));
        Assert.True(File.Exists(Dll), "dotnet publish made no Relational.Web.dll: " + said);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>One instance of the published site on a fixed loopback port (so it can be restarted where nginx expects it).</summary>
public sealed class SiteInstance(PublishedBuild build, int port, IReadOnlyDictionary<string, string> settings) : IDisposable
{
    private SiteProcess? _process;

    public int Port => port;

    public Uri Address => new($"http://127.0.0.1:{port}");

    public string Output => _process?.Output ?? "";

    /// <summary>Starts the instance (again, after <see cref="Kill"/>) and waits until it answers.</summary>
    public async Task StartAsync()
    {
        _process?.Dispose();
        _process = new SiteProcess("dotnet", [build.Dll], build.Folder, databasePath: null,
            [("Content__Path", Paths.Content), .. settings.Select(s => (s.Key, s.Value))], port);
        await _process.WaitUntilReadyAsync();
    }

    /// <summary>SIGKILL: no shutdown, no flush.</summary>
    public void Kill() => _process?.Kill();

    public void Dispose() => _process?.Dispose();
}

/// <summary>
/// nginx from the distribution in front of the instances: round robin, forwarded headers, the next
/// instance tried when one refuses connections, and which instance answered in <c>X-Upstream</c>.
/// </summary>
public sealed class NginxProxy : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("relational-nginx-").FullName;

    public NginxProxy(params int[] upstreams)
    {
        Port = Tool.FreePort();
        var servers = string.Concat(upstreams.Select(p => $"    server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;\n"));
        Directory.CreateDirectory(Path.Combine(_folder, "tmp"));
        File.WriteAllText(Config, $$"""
            worker_processes 1;
            pid {{_folder}}/nginx.pid;
            error_log {{_folder}}/error.log warn;
            events { worker_connections 1024; }
            http {
              access_log off;
              client_body_temp_path {{_folder}}/tmp/body;
              proxy_temp_path {{_folder}}/tmp/proxy;
              fastcgi_temp_path {{_folder}}/tmp/fastcgi;
              uwsgi_temp_path {{_folder}}/tmp/uwsgi;
              scgi_temp_path {{_folder}}/tmp/scgi;
              upstream site {
            {{servers}}    keepalive 32;
              }
              server {
                listen 127.0.0.1:{{Port}};
                location / {
                  proxy_pass http://site;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_set_header Host $host;
                  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                  proxy_set_header X-Forwarded-Proto $scheme;
                  proxy_connect_timeout 1s;
                  proxy_next_upstream error timeout;
                  add_header X-Upstream $upstream_addr always;
                }
              }
            }
            """);
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    private string Config => Path.Combine(_folder, "nginx.conf");

    public static string Binary => File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";

    public Task StartAsync() => Tool.RunAsync(Binary, ["-p", _folder, "-c", Config], TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        Tool.RunAsync(Binary, ["-p", _folder, "-c", Config, "-s", "stop"], TimeSpan.FromSeconds(30), check: false).GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }
}

public static class Tool
{
    public static async Task<string> RunAsync(string file, string[] arguments, TimeSpan timeout, bool check = true)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        var said = await output + await errors;
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited {process.ExitCode}: {said}"));
        }

        return said;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
