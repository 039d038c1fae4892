using System.Net;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Safety;

/// <summary>Every kind of response carries the same protective headers, and no server banner.</summary>
public sealed class SecurityHeaderTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    private static readonly string Part = Series.PartUrl(6);

    public static TheoryData<string, string, int> Responses => new()
    {
        { "a page", "/", 200 },
        { "a part", Part, 200 },
        { "the whole article", Series.WholeUrl, 200 },
        { "a static file", "/favicon.svg", 200 },
        { "the health check", "/healthz", 200 },
        { "not found", "/nothing-here", 404 },
        { "a static file that is not there", "/css/nothing.css", 404 },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task Every_kind_of_response_carries_the_headers(string kind, string path, int status)
    {
        using var client = site.CreateClient();
        using var response = await client.GetAsync(path);

        Assert.True((int)response.StatusCode == status, $"{kind}: {(int)response.StatusCode}");
        SafetyAssert.Headers(SafetyAssert.Reader(response));
    }

    [Fact]
    public async Task A_not_modified_answer_carries_the_headers()
    {
        using var client = site.CreateClient();
        var page = await client.GetDocumentAsync("/");
        var stylesheet = page.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href")!;
        using var first = await client.GetAsync(stylesheet);
        using var again = new HttpRequestMessage(HttpMethod.Get, stylesheet);
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var response = await client.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        SafetyAssert.Headers(SafetyAssert.Reader(response));
    }

    [Fact]
    public async Task A_HEAD_answer_carries_the_headers()
    {
        using var client = site.CreateClient();
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, Part));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        SafetyAssert.Headers(SafetyAssert.Reader(response));
    }

    [Fact]
    public async Task A_refusal_carries_the_headers_and_says_what_is_allowed()
    {
        using var client = site.CreateClient();
        using var response = await client.DeleteAsync(Part);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, HEAD", response.Content.Headers.Allow.Count > 0
            ? string.Join(", ", response.Content.Headers.Allow)
            : SafetyAssert.Reader(response)("Allow"));
        SafetyAssert.Headers(SafetyAssert.Reader(response));
    }

    [Fact]
    public async Task An_error_on_our_side_is_the_calm_page_with_the_headers()
    {
        using var failing = site.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.Configure<MvcOptions>(options => options.Filters.Add(new FailingFilter()))));
        using var client = failing.CreateClient();

        using var response = await client.GetAsync(Part);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("Something went wrong on our side", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain(FailingFilter.Secret, body, StringComparison.Ordinal);
        SafetyAssert.Headers(SafetyAssert.Reader(response));
    }

    [Fact]
    public async Task HSTS_is_sent_over_HTTPS_only()
    {
        using var plain = site.CreateClient();
        using var secure = site.CreateClient(new() { BaseAddress = new Uri("https://localhost") });

        using var overHttp = await plain.GetAsync("/");
        using var overHttps = await secure.GetAsync("/");

        Assert.Null(SafetyAssert.Reader(overHttp)("Strict-Transport-Security"));
        Assert.Equal("max-age=31536000", SafetyAssert.Reader(overHttps)("Strict-Transport-Security"));
        SafetyAssert.Headers(SafetyAssert.Reader(overHttps));
    }

    [Fact]
    public async Task Kestrel_sends_no_server_banner()
    {
        using var live = new LiveSite();
        using var client = live.CreateLiveClient();

        using var page = await client.GetAsync(Part);
        using var missing = await client.GetAsync("/nothing-here");

        Assert.Empty(page.Headers.Server);
        Assert.Empty(missing.Headers.Server);
        SafetyAssert.Headers(SafetyAssert.Reader(page));
        SafetyAssert.Headers(SafetyAssert.Reader(missing));
    }

    /// <summary>Throws inside a page, as a bug of ours would.</summary>
    private sealed class FailingFilter : IPageFilter
    {
        public const string Secret = "hostile-detail-of-the-failure";

        public void OnPageHandlerSelected(PageHandlerSelectedContext context)
        {
            if (!context.HttpContext.Request.Path.StartsWithSegments("/status"))
            {
                throw new InvalidOperationException(Secret);
            }
        }

        public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
        {
        }

        public void OnPageHandlerExecuted(PageHandlerExecutedContext context)
        {
        }
    }
}
