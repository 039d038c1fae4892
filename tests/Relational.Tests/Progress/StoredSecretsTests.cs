using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace Relational.Tests.Progress;

/// <summary>
/// A copy of the database does not let anyone act as a reader: the real SQLite file holds the
/// SHA-256 of the cookie value and of the resume token, computed here independently of the site's
/// code, and never the values themselves (neither their text nor their bytes).
/// </summary>
public sealed class StoredSecretsTests : IDisposable
{
    private readonly SiteFactory _site = new();

    public void Dispose() => _site.Dispose();

    private string DatabasePath => _site.DatabasePath;

    /// <summary>The SHA-256 of the 256 random bits a cookie value or resume token carries (base64url).</summary>
    public static byte[] Sha256Of(string secret) => SHA256.HashData(Base64Url.DecodeFromChars(secret));

    [Fact]
    public async Task The_file_holds_the_SHA256_of_the_cookie_and_of_the_resume_token_and_never_either_value()
    {
        using var client = _site.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        using var optIn = await client.PostFormAsync("/progress/remember", Forms.Place());
        Assert.Equal(HttpStatusCode.SeeOther, optIn.StatusCode);
        var written = optIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0]["relational-reader=".Length..];
        // The key, before the day the cookie was written.
        var cookie = written.Split('.')[0];
        using var link = new HttpRequestMessage(HttpMethod.Post, "/progress/link") { Content = new FormUrlEncodedContent([]) };
        link.Headers.Add("Sec-Fetch-Site", "same-origin");
        link.Headers.Add("Cookie", "relational-reader=" + written);
        using var linkPage = await client.SendAsync(link);
        var resumeUrl = (await Html.ParseAsync(await linkPage.Content.ReadAsStringAsync())).QuerySelector("#resume-url")!.GetAttribute("value")!;
        var token = new Uri(resumeUrl).AbsolutePath.Split('/')[^1];

        Assert.Equal(32, Base64Url.DecodeFromChars(cookie).Length);
        Assert.Equal(32, Base64Url.DecodeFromChars(token).Length);
        Assert.Equal(Sha256Of(cookie), Assert.Single(Blobs("SELECT key_hash FROM reader_keys")));
        Assert.Equal(Sha256Of(token), Assert.Single(Blobs("SELECT token_hash FROM resume_links")));

        SqliteConnection.ClearAllPools();
        var files = new[] { DatabasePath, DatabasePath + "-wal" }.Where(File.Exists).SelectMany(File.ReadAllBytes).ToArray();
        foreach (var secret in new[] { cookie, token })
        {
            Assert.Equal(-1, files.AsSpan().IndexOf(Base64Url.DecodeFromChars(secret)));
            Assert.Equal(-1, files.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(secret)));
        }
    }

    private List<byte[]> Blobs(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var blobs = new List<byte[]>();
        while (reader.Read())
        {
            blobs.Add((byte[])reader[0]);
        }

        return blobs;
    }
}
