using System.Text.RegularExpressions;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Safety;

/// <summary>The live site every hostile request is sent to: AllowedHosts set, POST limit out of the way.</summary>
public sealed class HostileSite : LiveSite
{
    public HostileSite()
    {
        With("AllowedHosts", "127.0.0.1;localhost");
        With("Safety:PostsPerWindow", "100000");
    }

    public async Task<RawResponse> SendAsync(HostileRequest request) =>
        await SendRawAsync(request.Raw.Replace("{host}", $"127.0.0.1:{Port}").Replace("{port}", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>
/// Over a hundred hostile requests over a real socket: none may bring a 5xx, a stack trace or
/// the hostile text back; each gets the answer that is right for it, and a refusal by the site
/// is its calm page.
/// </summary>
public sealed partial class HostileRequestTests(HostileSite site, ITestOutputHelper output) : IClassFixture<HostileSite>
{
    public static TheoryData<string> Names => HostileRequests.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_hostile_request_gets_the_right_calm_answer(string name)
    {
        var request = HostileRequests.Named(name);
        var response = await site.SendAsync(request);

        Assert.True(response.Status is >= 200 and < 500 || request.Answer == Answer.Bare, $"{name}: {response.Status}");
        Assert.Equal(request.Status, response.Status);
        Assert.Equal(1, response.Count);
        Assert.DoesNotContain("hostile", response.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(StackTrace(), response.Body);
        Assert.Null(response.Header("Server"));
        Assert.All(response.All("Location"), location => Assert.StartsWith("/", location, StringComparison.Ordinal));
        // No cookie is ever set by a hostile request; a forged reader cookie may only be cleared.
        Assert.All(response.All("Set-Cookie"), cookie => Assert.StartsWith("relational-reader=; expires=Thu, 01 Jan 1970", cookie, StringComparison.Ordinal));

        switch (request.Answer)
        {
            case Answer.CalmPage:
                var page = await Html.ParseAsync(response.Body);
                Assert.NotNull(page.QuerySelector("h1.page__title"));
                Assert.NotEmpty(page.QuerySelector("h1.page__title")!.TextContent.Trim());
                Assert.NotNull(page.QuerySelector("[data-exit-link]"));
                SafetyAssert.Headers(response.Header);
                break;
            case Answer.Ordinary:
                SafetyAssert.Headers(response.Header);
                break;
            case Answer.Bare:
                Assert.Equal("", response.Body);
                break;
        }
    }

    /// <summary>For the report: how the whole table was answered, counted by status.</summary>
    [Fact]
    public async Task Outcomes_by_status()
    {
        var outcomes = new List<(HostileRequest Request, int Status)>();
        foreach (var request in HostileRequests.All)
        {
            outcomes.Add((request, (await site.SendAsync(request)).Status));
        }

        foreach (var group in outcomes.GroupBy(o => o.Status).OrderBy(g => g.Key))
        {
            output.WriteLine($"{group.Key}: {group.Count()}");
        }

        output.WriteLine($"total: {outcomes.Count}; calm pages expected: {HostileRequests.All.Count(r => r.Answer == Answer.CalmPage)}, " +
            $"ordinary: {HostileRequests.All.Count(r => r.Answer == Answer.Ordinary)}, refused by Kestrel: {HostileRequests.All.Count(r => r.Answer == Answer.Bare)}");
        Assert.DoesNotContain(outcomes, o => o.Status >= 500 && o.Request.Answer != Answer.Bare);
    }

    [GeneratedRegex(@"Exception|\bat [A-Z][\w.]+\.[\w<>]+\(|System\.|Microsoft\.AspNetCore")]
    private static partial Regex StackTrace();
}
