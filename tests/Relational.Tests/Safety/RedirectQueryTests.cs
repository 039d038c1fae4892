using System.Globalization;
using System.Text;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Safety;

/// <summary>
/// Another spelling of a page's address answers 301 to its one address with the query kept. A
/// query may hold bytes a header cannot (Kestrel lets control bytes into a query, not into
/// <c>Location</c>): they go out percent-encoded, so the answer is the redirect, never a 500
/// and never an error in the log.
/// </summary>
public sealed class RedirectQueryTests : IDisposable
{
    private readonly LiveSite _site = new();

    public void Dispose() => _site.Dispose();

    public static TheoryData<string> Addresses() => ["/STAYING-SAFE", "/HEALING-TRAUMA-IN-RELATIONSHIP", Series.Url + "/"];

    [Theory]
    [MemberData(nameof(Addresses))]
    public async Task Every_control_byte_in_the_query_of_a_redirect_is_sent_encoded_or_refused(string address)
    {
        var canonical = address.ToLowerInvariant().TrimEnd('/');
        var redirected = 0;
        foreach (var control in Enumerable.Range(0x01, 0x1F).Append(0x7F))
        {
            var response = await GetRawAsync(address, [(byte)'a', (byte)control, (byte)'b']);

            Assert.True(response.Status is 301 or 400, $"0x{control:X2}: {response.Status}");
            if (response.Status == 301)
            {
                redirected++;
                Assert.Equal($"{canonical}?q=a%{control:X2}b", response.Header("Location"));
            }
        }

        // Most control bytes do reach the redirect (Kestrel itself refuses only a few).
        Assert.True(redirected > 20, $"{redirected} redirected");
        _site.Dispose();
        SafetyAssert.NoErrorLines(_site.Log.Text);
    }

    [Fact]
    public async Task A_query_beyond_ASCII_or_already_encoded_is_kept_as_it_means()
    {
        var utf8 = await GetRawAsync("/STAYING-SAFE", Encoding.UTF8.GetBytes("aé&c=%7Fd"));
        Assert.True(utf8.Status is 301 or 400, $"{utf8.Status}");
        if (utf8.Status == 301)
        {
            Assert.Equal("/staying-safe?q=a%C3%A9&c=%7Fd", utf8.Header("Location"));
        }

        var plain = await GetRawAsync("/STAYING-SAFE", "a%7Fb&c=d"u8.ToArray());
        Assert.Equal(301, plain.Status);
        Assert.Equal("/staying-safe?q=a%7Fb&c=d", plain.Header("Location"));
        _site.Dispose();
        SafetyAssert.NoErrorLines(_site.Log.Text);
    }

    private Task<RawResponse> GetRawAsync(string address, byte[] value)
    {
        var request = new List<byte>();
        request.AddRange(Encoding.ASCII.GetBytes($"GET {address}?q="));
        request.AddRange(value);
        request.AddRange(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $" HTTP/1.1\r\nHost: 127.0.0.1:{_site.Port}\r\nConnection: close\r\n\r\n")));
        return _site.SendRawAsync([.. request]);
    }
}
