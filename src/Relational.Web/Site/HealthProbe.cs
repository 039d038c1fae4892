using System.Text.RegularExpressions;

namespace Relational.Site;

/// <summary>
/// <c>dotnet Relational.Web.dll --healthcheck</c>: asks the running site's <c>/healthz</c> and exits
/// 0 or 1, saying why on standard error when it fails. The container's HEALTHCHECK uses it, since the
/// runtime image has no curl. The site's address is found as the host finds it: the URLs
/// (<c>ASPNETCORE_URLS</c>, <c>DOTNET_URLS</c>, <c>URLS</c>) before the ports (<c>ASPNETCORE_HTTP_PORTS</c>, …).
/// </summary>
public static partial class HealthProbe
{
    public static async Task<int> RunAsync()
    {
        var healthz = new Uri(Address(Environment.GetEnvironmentVariable), "/healthz");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(healthz);
            var said = (await response.Content.ReadAsStringAsync()).Trim();
            if (!response.IsSuccessStatusCode)
            {
                await Console.Error.WriteLineAsync($"{healthz} answered {(int)response.StatusCode} {said}");
                return 1;
            }

            if (said != "Healthy")
            {
                // Still serving readers (a 200), but worth a look: the site's log says what is wrong.
                await Console.Out.WriteLineAsync($"{healthz} answered {said}");
            }

            return 0;
        }
        catch (HttpRequestException e)
        {
            await Console.Error.WriteLineAsync($"Nothing answered at {healthz}: {e.Message}");
            return 1;
        }
        catch (TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{healthz} did not answer within 3 seconds.");
            return 1;
        }
    }

    /// <summary>Where the site listens, from the same variables the host reads, as an address on this machine.</summary>
    public static Uri Address(Func<string, string?> variable)
    {
        var urls = First(variable, "ASPNETCORE_URLS", "DOTNET_URLS", "URLS");
        if (urls is not null)
        {
            var listened = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(url => Listened().Match(url))
                .Where(match => match.Success)
                .OrderBy(match => match.Groups["scheme"].Value == "http" ? 0 : 1)
                .FirstOrDefault();
            if (listened is not null)
            {
                var scheme = listened.Groups["scheme"].Value;
                var port = listened.Groups["port"].Success ? listened.Groups["port"].Value : scheme == "https" ? "443" : "80";
                return new Uri($"{scheme}://{Local(listened.Groups["host"].Value)}:{port}");
            }
        }

        var ports = First(variable, "ASPNETCORE_HTTP_PORTS", "DOTNET_HTTP_PORTS", "HTTP_PORTS");
        // Kestrel's own default when nothing is set.
        var first = ports?.Split(';', ',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "5000";
        return new Uri($"http://127.0.0.1:{first}");
    }

    private static string? First(Func<string, string?> variable, params string[] names) =>
        names.Select(variable).FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));

    // Every address the site listens on ("*", "+", "0.0.0.0", "[::]") includes the loopback one.
    private static string Local(string host) => host switch
    {
        "*" or "+" or "0.0.0.0" or "" => "127.0.0.1",
        "[::]" => "[::1]",
        _ => host,
    };

    [GeneratedRegex(@"^(?<scheme>https?)://(?<host>\[[^\]]*\]|[^:/]*)(:(?<port>\d+))?/?$", RegexOptions.IgnoreCase)]
    private static partial Regex Listened();
}
