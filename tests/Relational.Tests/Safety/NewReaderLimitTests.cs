using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Relational.Tests.Fixtures;
using Relational.Tests.Progress;

namespace Relational.Tests.Safety;

/// <summary>
/// Many clients together cannot create readers without bound: past <c>Safety:NewReadersPerMinute</c>
/// a new opt-in gets a calm "try again" page; nothing is stored for it and reading and existing
/// readers go on as before.
/// </summary>
public sealed class NewReaderLimitTests : IDisposable
{
    private readonly SiteFactory _site = new();

    public void Dispose() => _site.Dispose();

    private string DatabasePath => _site.DatabasePath;

    private HttpClient Stranger() => _site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    [Fact]
    public async Task Past_the_global_rate_a_new_reader_is_asked_to_try_again_and_nothing_is_stored()
    {
        _site.With("Safety:NewReadersPerMinute", "3");
        var admitted = new List<HttpClient>();
        for (var i = 0; i < 3; i++)
        {
            var reader = Stranger();
            using var remembered = await reader.PostFormAsync("/progress/remember", Forms.Place());
            Assert.Equal(HttpStatusCode.SeeOther, remembered.StatusCode);
            admitted.Add(reader);
        }

        using var late = Stranger();
        using var refused = await late.PostFormAsync("/progress/remember", Forms.Place());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.False(refused.Headers.Contains("Set-Cookie"));
        var page = await Html.ParseAsync(await refused.Content.ReadAsStringAsync());
        Assert.Contains("try again", page.QuerySelector("main")!.TextContent, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Nothing you have read is lost", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(3, Database.Count(DatabasePath, "readers"));

        // Reading goes on, and readers already remembered keep saving.
        Assert.Equal(HttpStatusCode.OK, (await late.GetAsync("/" + Forms.Article)).StatusCode);
        using var saved = await admitted[0].PostFormAsync("/progress/save", Forms.Place(TestReader.Article.Parts[1].Slug));
        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        Assert.Contains("progress=saved", saved.Headers.Location!.ToString(), StringComparison.Ordinal);
        foreach (var reader in admitted)
        {
            reader.Dispose();
        }
    }
}
