using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Relational.Content;

namespace Relational.Tests.Progress;

/// <summary>The progress forms and pages over HTTP, as a reader's browser would use them.</summary>
public sealed class ProgressPagesTests : IDisposable
{
    private static readonly Article Article = ContentLoader.Load(Paths.Content).FindArticle(Forms.Article)!;

    private readonly SiteFactory _site = new();

    public void Dispose() => _site.Dispose();

    private string DatabasePath => _site.DatabasePath;

    private HttpClient Browser() => _site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = true });

    private HttpClient RawClient() => _site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

    private static string PartUrl(int number) => Article.PartUrl(Article.Parts[number - 1]);

    private static string Slug(int number) => Article.Parts[number - 1].Slug;

    public static TheoryData<string> EveryPage()
    {
        var pages = new TheoryData<string> { "/", Article.Url, Article.AllUrl, "/progress", "/staying-safe", "/preferences", "/no-such-page", Article.Url + "/no-such-part", "/progress/export" };
        foreach (var part in Article.Parts)
        {
            pages.Add(Article.PartUrl(part));
        }

        return pages;
    }

    [Theory]
    [MemberData(nameof(EveryPage))]
    public async Task No_page_sets_a_cookie_before_the_reader_opts_in(string path)
    {
        using var client = RawClient();

        using var response = await client.GetAsync(path);

        Assert.False(response.Headers.Contains("Set-Cookie"), $"{path} set a cookie: {string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var v) ? v : [])}");
        Assert.False(File.Exists(DatabasePath) && Database.AllRows(DatabasePath) > 0);
    }

    [Fact]
    public async Task The_cover_and_every_part_offer_to_remember_with_a_line_about_what_is_kept()
    {
        using var client = RawClient();
        foreach (var path in new[] { Article.Url }.Concat(Article.Parts.Select(Article.PartUrl)))
        {
            var page = await client.GetDocumentAsync(path);
            var form = page.QuerySelector("form[action='/progress/remember'][method='post']");
            Assert.NotNull(form);
            Assert.Contains("Remember", form.QuerySelector("button")!.TextContent);
            Assert.Null(page.QuerySelector("input[name='__RequestVerificationToken']"));
            var note = page.QuerySelector(".progress-controls__note")!.TextContent;
            Assert.Contains("erase", note);
        }
    }

    [Fact]
    public async Task Opting_in_sets_one_HttpOnly_Lax_cookie_and_says_so()
    {
        using var client = RawClient();

        using var response = await client.PostFormAsync("/progress/remember", Forms.Place(Slug(2)));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(PartUrl(2) + "?progress=remembered#outcome", response.Headers.Location!.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("relational-reader=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Matches("max-age=[1-9][0-9]{6,}", cookie);
        var value = cookie.Split(';')[0]["relational-reader=".Length..];
        Assert.Equal(DateTime.UtcNow.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), value.Split('.')[1]);
        Assert.True(Convert.FromBase64String(value.Split('.')[0].Replace('-', '+').Replace('_', '/') + "=").Length >= 16);
        Assert.Equal(1, Database.Count(DatabasePath, "readers"));
    }

    [Fact]
    public async Task A_reader_who_opted_in_sees_started_and_finished_parts_and_is_offered_to_continue()
    {
        using var client = Browser();
        var after = await Html.ParseAsync(await (await client.PostFormAsync("/progress/remember", Forms.Place(Slug(1)))).TextAsync());
        Assert.Contains("will now remember your place", after.QuerySelector("#outcome")!.TextContent);

        await client.GetDocumentAsync(PartUrl(2));
        await client.GetDocumentAsync(PartUrl(3));
        var cover = await client.GetDocumentAsync(Article.Url);

        var states = cover.QuerySelectorAll(".contents__item").Select(i => i.QuerySelector(".contents__state")?.TextContent.Trim() ?? "-").ToArray();
        Assert.Equal(["✓ Finished", "✓ Finished", "◐ Started", "-", "-", "-", "-", "-", "-", "-"], states);
        Assert.All(cover.QuerySelectorAll(".contents__state [aria-hidden=true]"), icon => Assert.DoesNotContain("Finished", icon.TextContent));
        var offer = cover.QuerySelector(".continue-offer a")!;
        Assert.Equal($"Continue from part 3: {Article.Parts[2].Title}", offer.TextContent);
        Assert.Equal(PartUrl(3), offer.GetAttribute("href"));
    }

    [Fact]
    public async Task The_cover_offers_but_never_redirects()
    {
        using var client = Browser();
        await client.PostFormAsync("/progress/remember", Forms.Place(Slug(4)));

        using var raw = new HttpRequestMessage(HttpMethod.Get, Article.Url);
        using var response = await client.SendAsync(raw);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Article.Url, response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.True(response.Headers.CacheControl!.Private);
        Assert.True(response.Headers.CacheControl.NoCache);
    }

    /// <summary>
    /// A reader's own pages are never a shared cache's, and their browser asks for them again each
    /// time, but they are not no-store, and carry no Set-Cookie after the first page of the day:
    /// either would keep Back from restoring them from the back/forward cache.
    /// </summary>
    [Fact]
    public async Task A_readers_pages_are_private_and_revalidated_and_renew_the_cookie_once_a_day()
    {
        using var client = RawClient();
        using var optIn = await client.PostFormAsync("/progress/remember", Forms.Place(Slug(2)));
        var cookie = Assert.Single(optIn.Headers.GetValues("Set-Cookie")).Split(';')[0];

        foreach (var path in new[] { Article.Url, PartUrl(2), PartUrl(3) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", cookie);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.CacheControl!.Private, path);
            Assert.True(response.Headers.CacheControl.NoCache, path);
            Assert.False(response.Headers.CacheControl.NoStore, path);
            Assert.Contains("Cookie", response.Headers.Vary);
            Assert.False(response.Headers.Contains("Set-Cookie"), $"{path} set the cookie again the same day");
        }

        // The cookie written on an earlier day is renewed by the next page, for the whole retention period.
        using var nextDay = new HttpRequestMessage(HttpMethod.Get, PartUrl(4));
        nextDay.Headers.Add("Cookie", cookie.Split('.')[0] + ".20260101");
        using var renewed = await client.SendAsync(nextDay);
        var again = Assert.Single(renewed.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(cookie.Split('.')[0] + "." + DateTime.UtcNow.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), again, StringComparison.Ordinal);
        Assert.Matches("max-age=[1-9][0-9]{6,}", again);

        // The progress page, which can show a resume link once, stays out of every cache.
        using var progress = new HttpRequestMessage(HttpMethod.Get, "/progress");
        progress.Headers.Add("Cookie", cookie);
        using var progressPage = await client.SendAsync(progress);
        Assert.True(progressPage.Headers.CacheControl!.NoStore);
    }

    [Fact]
    public async Task Finished_button_and_saved_place_change_what_the_cover_offers()
    {
        using var client = Browser();
        await client.PostFormAsync("/progress/remember", Forms.Place(Slug(2)));
        await client.GetDocumentAsync(PartUrl(6));

        var finished = await Html.ParseAsync(await (await client.PostFormAsync("/progress/finished", Forms.Place(Slug(6)))).TextAsync());
        Assert.Equal("Marked as finished.", finished.QuerySelector("#outcome")!.TextContent);
        Assert.Null(finished.QuerySelector("form[action='/progress/finished']"));

        var saved = await Html.ParseAsync(await (await client.PostFormAsync("/progress/save", Forms.Place(Slug(2)))).TextAsync());
        Assert.Equal("Your place is saved here.", saved.QuerySelector("#outcome")!.TextContent);

        var cover = await client.GetDocumentAsync(Article.Url);
        Assert.StartsWith("Continue from part 2:", cover.QuerySelector(".continue-offer a")!.TextContent);
        Assert.Contains("Finished", cover.QuerySelectorAll(".contents__item")[5].TextContent);
    }

    [Fact]
    public async Task Download_my_data_returns_the_readers_rows_as_JSON_with_slugs()
    {
        using var client = Browser();
        await client.PostFormAsync("/progress/remember", Forms.Place(Slug(3)));
        await client.PostFormAsync("/progress/save", Forms.Place(Slug(3)));
        var page = await client.GetDocumentAsync("/progress");
        var link = page.QuerySelectorAll("a").Single(a => a.TextContent == "Download my data");

        using var response = await client.GetAsync(link.GetAttribute("href"));

        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var part = Assert.Single(json.RootElement.GetProperty("parts").EnumerateArray());
        Assert.Equal(Forms.Article, part.GetProperty("article").GetString());
        Assert.Equal(Slug(3), part.GetProperty("part").GetString());
        Assert.Equal("started", part.GetProperty("state").GetString());
        Assert.Equal(Slug(3), json.RootElement.GetProperty("savedPlace").GetProperty("part").GetString());
    }

    [Fact]
    public async Task Forget_deletes_every_row_expires_the_cookie_and_says_it_is_done()
    {
        using var client = RawClient();
        using var optIn = await client.PostFormAsync("/progress/remember", Forms.Place(Slug(2)));
        var cookie = optIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        using var forget = new HttpRequestMessage(HttpMethod.Post, "/progress/forget") { Content = new FormUrlEncodedContent([]) };
        forget.Headers.Add("Sec-Fetch-Site", "same-origin");
        forget.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(forget);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var expired = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("relational-reader=;", expired);
        Assert.Contains("expires=Thu, 01 Jan 1970", expired);
        Assert.Equal(0, Database.AllRows(DatabasePath));

        var done = await client.GetDocumentAsync(response.Headers.Location!.OriginalString);
        Assert.StartsWith("Done.", done.QuerySelector("#outcome")!.TextContent);
        Assert.NotNull(done.QuerySelector("form[action='/progress/remember']"));
    }

    private static async Task<Uri> MakeLinkAsync(HttpClient owner)
    {
        var linkPage = await Html.ParseAsync(await (await owner.PostFormAsync("/progress/link")).TextAsync());
        return new Uri(linkPage.QuerySelector("#resume-url")!.GetAttribute("value")!);
    }

    [Fact]
    public async Task A_resume_link_carries_progress_to_a_second_device_once()
    {
        using var first = Browser();
        await first.PostFormAsync("/progress/remember", Forms.Place(Slug(4)));
        var link = await MakeLinkAsync(first);
        Assert.StartsWith("/progress/resume/", link.AbsolutePath);

        using var second = Browser();
        var ask = await second.GetAsync(link.AbsolutePath);
        Assert.False(ask.Headers.Contains("Set-Cookie"));
        var askPage = await Html.ParseAsync(await ask.TextAsync());
        Assert.NotNull(askPage.QuerySelector("form[method=post] button"));
        Assert.Contains("Whoever made this link will see what is read on this device", askPage.QuerySelector("main")!.TextContent);
        var adopted = await Html.ParseAsync(await (await second.PostFormAsync(link.AbsolutePath)).TextAsync());
        Assert.Equal("This device now carries your place.", adopted.QuerySelector("#outcome")!.TextContent);
        var cover = await second.GetDocumentAsync(Article.Url);
        Assert.StartsWith("Continue from part 4:", cover.QuerySelector(".continue-offer a")!.TextContent);

        // Used once: the next device is told it does not work, and nothing of it is left.
        using var third = Browser();
        using var refused = await third.PostFormAsync(link.AbsolutePath);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Contains("doesn’t work", (await Html.ParseAsync(await refused.Content.ReadAsStringAsync())).QuerySelector("main")!.TextContent);
        Assert.False(refused.Headers.Contains("Set-Cookie"));
        Assert.Equal(0, Database.Count(DatabasePath, "resume_links"));
    }

    [Fact]
    public async Task A_resume_link_s_page_and_its_answers_send_no_referrer_so_its_files_are_not_asked_for_with_the_token()
    {
        using var owner = Browser();
        await owner.PostFormAsync("/progress/remember", Forms.Place(Slug(4)));
        var link = (await MakeLinkAsync(owner)).AbsolutePath;
        using var device = RawClient();

        using var asked = await device.GetAsync(link);
        using var malformed = await device.GetAsync("/progress/resume/not-a-token");
        using var adopted = await device.PostFormAsync(link);
        using var usedUp = await device.PostFormAsync(link);
        using var progress = await device.GetAsync("/progress");

        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.SeeOther, HttpStatusCode.NotFound],
            new[] { asked, malformed, adopted, usedUp }.Select(r => r.StatusCode));
        Assert.All(new[] { asked, malformed, adopted, usedUp }, answer =>
            Assert.Equal("no-referrer", Assert.Single(answer.Headers.GetValues("Referrer-Policy"))));
        // Every other page keeps the site's own policy.
        Assert.Equal("same-origin", Assert.Single(progress.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task A_revoked_resume_link_no_longer_works()
    {
        using var first = Browser();
        await first.PostFormAsync("/progress/remember", Forms.Place(Slug(4)));
        var link = await MakeLinkAsync(first);

        var revoked = await Html.ParseAsync(await (await first.PostFormAsync("/progress/revokelink")).TextAsync());
        Assert.Contains("revoked", revoked.QuerySelector("#outcome")!.TextContent);

        using var second = Browser();
        using var refused = await second.PostFormAsync(link.AbsolutePath);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(0, Database.Count(DatabasePath, "resume_links"));
    }

    [Fact]
    public async Task Opening_a_resume_link_answers_the_same_for_a_live_and_an_unknown_token()
    {
        using var owner = Browser();
        await owner.PostFormAsync("/progress/remember", Forms.Place(Slug(4)));
        var live = (await MakeLinkAsync(owner)).AbsolutePath;
        var unknown = "/progress/resume/" + Relational.Progress.ResumeToken.New().Value;

        using var stranger = RawClient();
        using var liveAnswer = await stranger.GetAsync(live);
        using var unknownAnswer = await stranger.GetAsync(unknown);

        Assert.Equal(HttpStatusCode.OK, liveAnswer.StatusCode);
        Assert.Equal(liveAnswer.StatusCode, unknownAnswer.StatusCode);
        Assert.Equal(await liveAnswer.Content.ReadAsStringAsync(), await unknownAnswer.Content.ReadAsStringAsync());
        Assert.Equal(
            liveAnswer.Headers.Concat(liveAnswer.Content.Headers).Where(h => h.Key != "Date").Select(h => h.Key + ": " + string.Join(",", h.Value)).Order(),
            unknownAnswer.Headers.Concat(unknownAnswer.Content.Headers).Where(h => h.Key != "Date").Select(h => h.Key + ": " + string.Join(",", h.Value)).Order());
    }

    [Fact]
    public async Task Adopting_a_link_on_a_device_with_its_own_progress_asks_first_and_keeps_it_unless_told()
    {
        using var owner = Browser();
        await owner.PostFormAsync("/progress/remember", Forms.Place(Slug(4)));
        await owner.PostFormAsync("/progress/finished", Forms.Place(Slug(4)));
        var link = (await MakeLinkAsync(owner)).AbsolutePath;
        using var device = Browser();
        await device.PostFormAsync("/progress/remember", Forms.Place(Slug(2)));
        await device.PostFormAsync("/progress/save", Forms.Place(Slug(2)));

        // First press: nothing changes; both are shown.
        using var asked = await device.PostFormAsync(link);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.False(asked.Headers.Contains("Set-Cookie"));
        var choice = await Html.ParseAsync(await asked.Content.ReadAsStringAsync());
        var shown = choice.QuerySelectorAll("dd").Select(d => d.TextContent).ToArray();
        Assert.Equal(2, shown.Length);
        Assert.Contains($"0 of {Article.Parts.Length} parts finished, 1 started; saved place: part 2", shown[0]);
        Assert.Contains($"1 of {Article.Parts.Length} parts finished, 0 started", shown[1]);
        Assert.Contains("Whoever made the link will then see what is read on this device", choice.QuerySelector("main")!.TextContent);
        Assert.NotNull(choice.QuerySelector("button[name=choice][value=replace]"));
        Assert.NotNull(choice.QuerySelector("button[name=choice][value=keep]"));
        Assert.Equal(2, Database.Count(DatabasePath, "readers"));

        // "Keep mine": this device's place stays, and the link is not used up.
        using var kept = await device.PostFormAsync(link, [new("choice", "keep")]);
        Assert.Contains("progress=kept-mine", kept.RequestMessage!.RequestUri!.ToString());
        Assert.StartsWith("Continue from part 2:", (await device.GetDocumentAsync(Article.Url)).QuerySelector(".continue-offer a")!.TextContent);
        Assert.Equal(1, Database.Count(DatabasePath, "resume_links"));

        // "Replace mine": the link's place, and this device's own records are gone.
        using var replaced = await device.PostFormAsync(link, [new("choice", "replace")]);
        Assert.Contains("progress=adopted", replaced.RequestMessage!.RequestUri!.ToString());
        Assert.StartsWith("Continue from part 4:", (await device.GetDocumentAsync(Article.Url)).QuerySelector(".continue-offer a")!.TextContent);
        Assert.Equal(1, Database.Count(DatabasePath, "readers"));
        Assert.Equal(0, Database.Count(DatabasePath, "resume_links"));
    }

    [Theory]
    [InlineData("choice=merge")]
    [InlineData("token=other")]
    public async Task A_resume_form_with_an_unknown_choice_or_field_gets_400(string body)
    {
        using var client = RawClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/progress/resume/" + Relational.Progress.ResumeToken.New().Value)
        {
            Content = new StringContent(body, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("Sec-Fetch-Site", "same-origin");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Forgetting_revokes_the_resume_link()
    {
        using var first = Browser();
        await first.PostFormAsync("/progress/remember");
        var linkPage = await Html.ParseAsync(await (await first.PostFormAsync("/progress/link")).TextAsync());
        var link = new Uri(linkPage.QuerySelector("#resume-url")!.GetAttribute("value")!);

        await first.PostFormAsync("/progress/forget");

        using var second = Browser();
        using var refused = await second.PostFormAsync(link.AbsolutePath);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(0, Database.AllRows(DatabasePath));
    }

    [Theory]
    [InlineData("article=no-such-article")]
    [InlineData("article=" + Series.Slug + "&part=no-such-part")]
    [InlineData("part=before-we-begin")]
    [InlineData("article=" + Series.Slug + "&extra=1")]
    [InlineData("__RequestVerificationToken=x")]
    public async Task A_malformed_form_gets_400_not_an_error(string body)
    {
        using var client = RawClient();
        foreach (var path in new[] { "/progress/remember", "/progress/save", "/progress/finished" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded") };
            request.Headers.Add("Sec-Fetch-Site", "same-origin");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_body_that_is_not_a_form_is_refused_with_a_4xx()
    {
        using var client = RawClient();
        using var json = new HttpRequestMessage(HttpMethod.Post, "/progress/remember") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        json.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var broken = new HttpRequestMessage(HttpMethod.Post, "/progress/remember") { Content = new StringContent("--x\r\nnot really", System.Text.Encoding.UTF8) };
        broken.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        broken.Headers.Add("Sec-Fetch-Site", "same-origin");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.SendAsync(json)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(broken)).StatusCode);
    }

    [Fact]
    public async Task A_cookie_naming_no_reader_is_answered_like_a_stranger_and_cleared()
    {
        using var client = RawClient();
        foreach (var path in new[] { Article.Url, Article.PartUrl(Article.Parts[1]) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", "relational-reader=" + Relational.Progress.ReaderKey.New().Value);

            using var response = await client.SendAsync(request);

            Assert.StartsWith("relational-reader=; expires=Thu, 01 Jan 1970", Assert.Single(response.Headers.GetValues("Set-Cookie")));
            var page = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
            Assert.NotNull(page.QuerySelector("form[action='/progress/remember']"));
        }

        Assert.Equal(0, Database.AllRows(DatabasePath));
    }

    [Fact]
    public async Task The_progress_page_explains_what_is_kept_and_for_how_long()
    {
        using var client = RawClient();

        var page = await client.GetDocumentAsync("/progress");

        var text = page.QuerySelector("main")!.TextContent;
        Assert.Contains("365 days", text);
        Assert.Contains("No name, e-mail address, IP address", text);
        Assert.Contains("relational-reader", text);
    }
}
