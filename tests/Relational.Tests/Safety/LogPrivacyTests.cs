using Relational.Tests.Fixtures;
using Relational.Tests.Sites;

namespace Relational.Tests.Safety;

/// <summary>
/// The site's log, as it writes it in production (compact JSON on the console), after a whole
/// opt-in, resume-link, export and forget flow and a few hostile requests: it records that requests
/// happened, never who made them — no reader id, token, cookie value or IP address.
/// </summary>
public sealed class LogPrivacyTests : IDisposable
{
    private const string ForwardedFor = "203.0.113.77";
    private readonly ScratchFolder _folder = new("relational-logs-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_log_holds_no_reader_id_token_cookie_or_address()
    {
        // Every request's line too (those that went well are at Debug by default): none may name the reader.
        using var site = new SiteProcess(_folder.File("progress.db"),
            (Relational.Tests.Site.RequestLogTests.EveryRequestSetting.Replace(":", "__", StringComparison.Ordinal), "Debug"));
        await site.WaitUntilReadyAsync();
        using var client = TestReader.SharedClient(site.Address);
        var parts = TestReader.Article.Parts;
        var first = new TestReader(client);
        var second = new TestReader(client);

        (await first.OptInAsync(parts[0])).Dispose();
        foreach (var part in parts.Take(3))
        {
            (await first.GetAsync(TestReader.Article.PartUrl(part))).Dispose();
        }

        (await first.PostAsync("/progress/save", ("article", TestReader.Article.Slug), ("part", parts[2].Slug))).Dispose();
        using var linkPage = await first.PostAsync("/progress/link");
        var link = new Uri((await Html.ParseAsync(await linkPage.Content.ReadAsStringAsync()))
            .QuerySelector("#resume-url")!.GetAttribute("value")!);
        var token = link.AbsolutePath.Split('/')[^1];
        (await second.GetAsync(link.AbsolutePath)).Dispose();
        (await second.PostAsync(link.AbsolutePath)).Dispose();
        (await second.GetAsync("/progress/export")).Dispose();
        (await second.GetAsync("/progress")).Dispose();
        // The keys, before the day each cookie was written.
        var firstCookie = first.Cookie!.Split('.')[0];
        var secondCookie = second.Cookie!.Split('.')[0];
        (await first.PostAsync("/progress/forget")).Dispose();

        using (var forwarded = new HttpRequestMessage(HttpMethod.Get, TestReader.Article.Url))
        {
            forwarded.Headers.Add("X-Forwarded-For", ForwardedFor);
            forwarded.Headers.Add("X-Real-IP", ForwardedFor);
            forwarded.Headers.Add("Cookie", "relational-reader=" + firstCookie);
            (await client.SendAsync(forwarded)).Dispose();
        }

        (await client.GetAsync(link.AbsolutePath + "/" + token)).Dispose();
        (await client.GetAsync("/nothing-here?token=" + token)).Dispose();
        await site.StopAsync();
        var log = site.Output;

        Assert.Contains("/progress/resume/{token}", log, StringComparison.Ordinal);
        Assert.NotEqual(firstCookie, secondCookie);
        foreach (var secret in new[] { firstCookie, secondCookie, token, ForwardedFor, "relational-reader" })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }

        // The site's own listening address is logged once at start; no client's address ever is.
        Assert.All(log.Split('\n').Where(line => line.Contains("127.0.0.1", StringComparison.Ordinal)),
            line => Assert.Contains("Now listening on", line, StringComparison.Ordinal));
        Assert.DoesNotContain("RequestPath", log, StringComparison.Ordinal);
        Assert.DoesNotContain("RemoteIp", log, StringComparison.OrdinalIgnoreCase);
        // Connection and request ids would tie together what one reader opened; a request's lines
        // are tied by its trace id instead.
        Assert.DoesNotContain("ConnectionId", log, StringComparison.Ordinal);
        Assert.DoesNotContain("RequestId", log, StringComparison.Ordinal);
        Assert.All(log.Split('\n').Where(line => line.Contains("\"@mt\":\"HTTP ", StringComparison.Ordinal)),
            line => Assert.Contains("\"@tr\":", line, StringComparison.Ordinal));
    }
}
