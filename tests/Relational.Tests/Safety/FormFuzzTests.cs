using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Safety;

/// <summary>
/// Whatever keys and values a form is posted with, the answer is the site's (a 400 for a form that
/// is not one of its own, or the form's usual answer), never a 5xx, and nothing in the log is an
/// error: a key in jQuery's bracket syntax that does not close (<c>a[=1</c>) once threw in model
/// binding. Seeded, so a failure repeats.
/// </summary>
public sealed class FormFuzzTests : IDisposable
{
    private const string Printable = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    // The fields the forms have, and the syntax model binding might read in a key.
    private static readonly string[] KeyParts = ["article", "part", "confirm", "a", "", "[", "]", "[0", "[]", "][", ".", "[a]", "%5B", "%5D", "%00", "%", "=", "&"];

    private readonly SiteFactory _site = new();

    public void Dispose() => _site.Dispose();

    public static TheoryData<string> OddKeys() => ["a[=1", "[=1", "a[0=1", "article[=x", "article=x&part[=y", "a]=1", "a[b][=1"];

    [Theory]
    [MemberData(nameof(OddKeys))]
    public async Task A_key_in_broken_bracket_syntax_is_a_calm_400_on_every_form(string body)
    {
        using var client = Client();
        foreach (var path in CrossSitePostTests.FormPaths)
        {
            using var response = await PostAsync(client, path, body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} {body}: {(int)response.StatusCode}");
            Assert.Contains("Nothing was changed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        _site.Dispose();
        SafetyAssert.NoErrorLines(_site.Log.Text);
    }

    [Fact]
    public async Task Random_keys_and_values_on_every_form_are_never_a_5xx_or_an_error_in_the_log()
    {
        var random = new Random(25);
        using var client = Client();
        var seen = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            var path = CrossSitePostTests.FormPaths[random.Next(CrossSitePostTests.FormPaths.Length)];
            var body = i % 2 == 0 ? RandomText(random, random.Next(1, 61)) : RandomFields(random);
            using var response = await PostAsync(client, path, body);
            Assert.True((int)response.StatusCode < 500, $"{path} with body «{body}»: {(int)response.StatusCode}");
            seen.Add($"{(int)response.StatusCode}");
        }

        // The same keys in a query string, where a page could bind them too.
        for (var i = 0; i < 100; i++)
        {
            var query = string.Join('&', RandomFields(random).Split('&').Select(Uri.EscapeDataString).Select(p => p.Replace("%3D", "=", StringComparison.Ordinal)));
            using var response = await client.GetAsync("/progress?" + query);
            Assert.True((int)response.StatusCode < 500, $"/progress?{query}: {(int)response.StatusCode}");
        }

        // The fuzz reached the forms' own checks, not only the guard in front of them.
        Assert.Contains("400", seen);
        _site.Dispose();
        SafetyAssert.NoErrorLines(_site.Log.Text);
    }

    private HttpClient Client() =>
        _site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        return await client.SendAsync(request);
    }

    private static string RandomText(Random random, int length)
    {
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(Printable[random.Next(Printable.Length)]);
        }

        return text.ToString();
    }

    private static string RandomFields(Random random)
    {
        var fields = new List<string>();
        for (var f = random.Next(1, 5); f > 0; f--)
        {
            var key = new StringBuilder();
            for (var p = random.Next(1, 4); p > 0; p--)
            {
                key.Append(KeyParts[random.Next(KeyParts.Length)]);
            }

            fields.Add($"{key}={RandomText(random, random.Next(0, 12)).Replace("&", "", StringComparison.Ordinal)}");
        }

        return string.Join('&', fields);
    }
}
