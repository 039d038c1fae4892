using AngleSharp;
using AngleSharp.Dom;

namespace Relational.Tests;

/// <summary>Parses a page the way a browser would, for assertions about what a reader sees.</summary>
public static class Html
{
    private static readonly IBrowsingContext Context = BrowsingContext.New(Configuration.Default);

    public static async Task<IDocument> ParseAsync(string html) =>
        await Context.OpenAsync(request => request.Content(html));

    public static async Task<IDocument> GetDocumentAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await ParseAsync(await response.Content.ReadAsStringAsync());
    }
}
