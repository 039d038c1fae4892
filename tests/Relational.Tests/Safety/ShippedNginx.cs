using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Safety;

/// <summary>
/// nginx from the distribution running <c>deploy/nginx.conf</c> as shipped, in front of one site.
/// Only what must differ on a test machine is replaced, each found in the file itself: the
/// upstream servers' names, the port it listens on and the log folder. Around it, the main
/// configuration the distribution and the nginx image ship: an <c>access_log</c> in the
/// <c>http</c> block (Debian's default, the combined format) and the main error log at
/// <c>notice</c>, so the file must keep readers out of both by itself.
/// </summary>
public sealed partial class ShippedNginx : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("relational-shipped-nginx-").FullName;

    public ShippedNginx(int sitePort)
    {
        Port = Tool.FreePort();
        Shipped = File.ReadAllText(Path.Combine(Paths.RepositoryRoot, "deploy", "nginx.conf"));
        var servers = UpstreamServer().Count(Shipped);
        Assert.True(servers > 0, "deploy/nginx.conf names no upstream server");
        Assert.Equal(1, Listen().Count(Shipped));
        var local = UpstreamServer().Replace(Shipped, $"server 127.0.0.1:{sitePort}");
        local = Listen().Replace(local, $"listen 127.0.0.1:{Port};");
        local = local.Replace("/var/log/nginx/", LogFolder + "/", StringComparison.Ordinal);
        Directory.CreateDirectory(LogFolder);
        Directory.CreateDirectory(Path.Combine(_folder, "tmp"));
        File.WriteAllText(Path.Combine(_folder, "default.conf"), local);
        File.WriteAllText(Config, $$"""
            worker_processes 1;
            pid {{_folder}}/nginx.pid;
            error_log {{LogFolder}}/error.log notice;
            events { worker_connections 1024; }
            http {
              access_log {{LogFolder}}/access.log;
              client_body_temp_path {{_folder}}/tmp/body;
              proxy_temp_path {{_folder}}/tmp/proxy;
              fastcgi_temp_path {{_folder}}/tmp/fastcgi;
              uwsgi_temp_path {{_folder}}/tmp/uwsgi;
              scgi_temp_path {{_folder}}/tmp/scgi;
              include {{_folder}}/default.conf;
            }
            """);
    }

    /// <summary>The file as shipped.</summary>
    public string Shipped { get; }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    /// <summary>Everything nginx wrote under its log folder and its prefix, file by file.</summary>
    public IReadOnlyDictionary<string, string> Logs() =>
        Directory.EnumerateFiles(_folder, "*.log", SearchOption.AllDirectories)
            .ToDictionary(file => Path.GetRelativePath(_folder, file), File.ReadAllText);

    /// <summary>A number the shipped file sets, such as <c>limit_conn connections_per_address (\d+)</c>.</summary>
    public int Setting(string pattern) =>
        int.Parse(Regex.Match(Shipped, pattern).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private string LogFolder => Path.Combine(_folder, "log");

    private string Config => Path.Combine(_folder, "nginx.conf");

    public Task StartAsync() => Tool.RunAsync(NginxProxy.Binary, ["-p", _folder, "-c", Config], TimeSpan.FromSeconds(30));

    /// <summary>A client whose connections come from <paramref name="source"/> (any 127.x.y.z is this machine).</summary>
    public HttpClient ClientFrom(IPAddress source) =>
        new(new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = 6,
            ConnectCallback = async (context, cancel) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(IPAddress.Loopback, Port, cancel);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        {
            BaseAddress = Address,
            Timeout = TimeSpan.FromSeconds(30),
        };

    public void Dispose()
    {
        Tool.RunAsync(NginxProxy.Binary, ["-p", _folder, "-c", Config, "-s", "stop"], TimeSpan.FromSeconds(30), check: false).GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    [GeneratedRegex(@"server\s+site-\d+:8080")]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"listen\s+80\s*;")]
    private static partial Regex Listen();
}
