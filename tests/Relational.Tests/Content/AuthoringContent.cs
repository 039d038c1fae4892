namespace Relational.Tests.Content;

/// <summary>
/// The repository's content with the authoring fixture beside it (Fixtures/authoring): a second
/// article by another author, with images and deliberate mistakes, and a folder with no article.md.
/// </summary>
public sealed class AuthoringContent : IDisposable
{
    public AuthoringContent()
    {
        foreach (var source in Directory.EnumerateDirectories(Paths.Fixture("authoring")))
        {
            foreach (var file in Directory.EnumerateFiles(source))
            {
                Folder.Write(Path.Combine(Path.GetFileName(source), Path.GetFileName(file)), "");
                File.Copy(file, Folder.File(Path.Combine(Path.GetFileName(source), Path.GetFileName(file))), overwrite: true);
            }
        }
    }

    public ContentFolder Folder { get; } = new();

    public string Root => Folder.Root;

    public string SecondArticle => Folder.File("second-article");

    public void Dispose() => Folder.Dispose();
}
