namespace Relational.Tests.Fixtures;

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
                  proxy_set_header Host $http_host;
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
