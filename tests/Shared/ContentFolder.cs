namespace Relational.Tests.Content;

/// <summary>A throwaway content folder, copied from the real one and then changed by a test.</summary>
public sealed class ContentFolder : IDisposable
{
    private readonly ScratchFolder _folder = new("relational-content-");

    public ContentFolder(bool copyRealContent = true)
    {
        if (copyRealContent)
        {
            foreach (var source in Directory.EnumerateDirectories(Paths.Content))
            {
                var target = Path.Combine(Root, Path.GetFileName(source));
                Directory.CreateDirectory(target);
                foreach (var file in Directory.EnumerateFiles(source))
                {
                    System.IO.File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
                }
            }
        }
    }

    public string Root => _folder.Root;

    public string ArticleFolder => Path.Combine(Root, Series.Slug);

    public string File(string relative) => _folder.File(relative);

    public void Write(string relative, string text)
    {
        var path = File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, text);
    }

    public void Edit(string relative, Func<string, string> change) =>
        System.IO.File.WriteAllText(File(relative), change(System.IO.File.ReadAllText(File(relative))));

    public void Dispose() => _folder.Dispose();
}
