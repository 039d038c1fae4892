using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Site;

/// <summary>
/// Nothing in the log ties one reader's requests together or lets a client tag them: no connection
/// or request id, even in Kestrel's own error lines, and a trace id of the site's own making.
/// </summary>
public sealed partial class LogIdsTests
{
    [Fact]
    public async Task Kestrel_s_own_error_line_carries_no_connection_or_request_id()
    {
        var site = new LiveSite().WithServices(services => services.AddSingleton<IStartupFilter>(new FailAfterTheResponseStarted()));
        using (site)
        {
            using var client = ((LiveSite)site).CreateLiveClient();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetStringAsync("/fail-after-start"));
            // An ordinary request afterwards, on a new connection, so the error's line is not the last thing written.
            using var after = ((LiveSite)site).CreateLiveClient();
            await after.GetStringAsync("/");
            // Lines are written in batches by a background task: wait (bounded) until the error's line is out.
            await LogHas(site, "An unhandled exception was thrown by the application");
        }

        var log = site.Log.Text;
        var line = Assert.Single(log.Split('\n'), l => l.Contains("An unhandled exception was thrown by the application", StringComparison.Ordinal));
        Assert.DoesNotContain("\"TraceIdentifier\"", log, StringComparison.Ordinal);
        Assert.DoesNotContain("\"ConnectionId\"", log, StringComparison.Ordinal);
        Assert.DoesNotMatch(KestrelConnectionId(), line[..line.IndexOf("\"@x\"", StringComparison.Ordinal)]);
    }

    [Fact]
    public async Task A_client_s_traceparent_does_not_become_the_logged_trace_id()
    {
        const string ClientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        var site = new LiveSite();
        using (site)
        {
            using var client = site.CreateLiveClient();
            // A missing part: its line is written at the default levels (a page read that went well is not).
            using var request = new HttpRequestMessage(HttpMethod.Get, Series.Url + "/no-such-part");
            request.Headers.Add("traceparent", $"00-{ClientTrace}-00f067aa0ba902b7-01");
            using var response = await client.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
            await LogHas(site, "\"StatusCode\":404");
        }

        var line = Assert.Single(site.Log.Text.Split('\n'), l => l.Contains("\"StatusCode\":404", StringComparison.Ordinal));
        Assert.Matches("\"@tr\":\"[0-9a-f]{32}\"", line);
        Assert.DoesNotContain(ClientTrace, site.Log.Text, StringComparison.Ordinal);
    }

    private static async Task LogHas(SiteFactory site, string text)
    {
        for (var waited = 0; waited < 10_000 && !site.Log.Text.Contains(text, StringComparison.Ordinal); waited += 50)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>Kestrel's connection ids: 13 characters of base32 beginning 0H.</summary>
    [GeneratedRegex("0H[0-9A-V]{11}")]
    private static partial Regex KestrelConnectionId();

    /// <summary>An error after the first bytes went out: nothing can answer for it but Kestrel, which logs it.</summary>
    private sealed class FailAfterTheResponseStarted : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                if (context.Request.Path == "/fail-after-start")
                {
                    await context.Response.WriteAsync("partial");
                    await context.Response.Body.FlushAsync();
                    throw new InvalidOperationException("failed after the response started");
                }

                await following(context);
            });
            next(app);
        };
    }
}
