using System.Net;
using Relational.Content;
using Relational.Progress;

namespace Relational.Tests.Fixtures;

/// <summary>
/// One reader's browser against a live site: keeps its own <c>relational-reader</c> cookie and
/// posts forms as a same-origin page does. Several readers share one connection pool.
/// </summary>
public sealed class TestReader(HttpClient client)
{
    public static readonly Article Article = ContentLoader.Load(Paths.Content).FindArticle(Series.Slug)!;

    public string? Cookie { get; private set; }

    /// <summary>The same browser (same cookie) talking to another site instance.</summary>
    public TestReader On(HttpClient other) => new(other) { Cookie = Cookie };

    public static HttpClient SharedClient(Uri address) =>
        new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 256 })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(60),
        };

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostAsync(string path, params (string Name, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        return await SendAsync(request);
    }

    /// <summary>"Remember my place on this device", from part <paramref name="part"/>.</summary>
    public async Task<HttpResponseMessage> OptInAsync(Part part) =>
        await PostAsync("/progress/remember", ("article", Article.Slug), ("part", part.Slug));

    /// <summary>
    /// The reader's key as the store must keep it (the SHA-256 of the cookie's bytes, computed here,
    /// not by the site), for looking into the file.
    /// </summary>
    public byte[] KeyHash() => Cookie is not null ? Relational.Tests.Progress.StoredSecretsTests.Sha256Of(Cookie.Split('.')[0]) : throw new InvalidOperationException("no reader cookie");

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (Cookie is not null)
        {
            request.Headers.Add("Cookie", $"{ReaderCookie.Name}={Cookie}");
        }

        var response = await client.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            foreach (var cookie in cookies.Where(c => c.StartsWith(ReaderCookie.Name + "=", StringComparison.Ordinal)))
            {
                var value = cookie[(ReaderCookie.Name.Length + 1)..].Split(';')[0];
                Cookie = value.Length == 0 ? null : WebUtility.UrlDecode(value);
            }
        }

        return response;
    }
}
