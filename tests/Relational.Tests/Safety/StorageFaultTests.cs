using System.Diagnostics;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Safety;

/// <summary>
/// The progress file breaks while the site runs: reading goes on, saving fails gently with a calm
/// message, and saving works again once the fault clears.
/// </summary>
public sealed class StorageFaultTests : IDisposable
{
    private readonly ScratchFolder _folder = new("relational-faults-");

    public void Dispose() => _folder.Dispose();

    private static Relational.Content.Part Part(int number) => TestReader.Article.Parts[number - 1];

    [Fact]
    public async Task An_unwritable_path_leaves_reading_alone_and_opting_in_works_once_it_clears()
    {
        // A file where the database's folder should be: nothing can be created there (root or not).
        var blocker = _folder.File("blocked");
        await File.WriteAllTextAsync(blocker, "not a folder");
        using var site = Site(Path.Combine(blocker, "progress.db"));
        using var client = TestReader.SharedClient(site.Address);
        var reader = new TestReader(client);

        await AssertOptInFailsGentlyAsync(reader);
        await AssertReadingGoesOnAsync(reader);

        File.Delete(blocker);

        await AssertSavingWorksAsync(reader, optIn: true);
    }

    [Fact]
    public async Task A_corrupt_file_leaves_reading_alone_and_saving_works_once_it_is_restored()
    {
        var database = _folder.File("progress.db");
        var backup = _folder.File("backup.db");
        TestReader reader;
        using (var before = Site(database))
        {
            using var client = TestReader.SharedClient(before.Address);
            reader = new TestReader(client);
            await AssertSavingWorksAsync(reader, optIn: true);
            Backup(database, backup);
        }

        // The disk fails while the site is down; it comes back up on the corrupt file.
        await CorruptAsync(database);
        using var site = Site(database);
        using var after = TestReader.SharedClient(site.Address);
        reader = reader.On(after);

        await AssertReadingGoesOnAsync(reader);
        await AssertSavingFailsGentlyAsync(reader);

        File.Copy(backup, database, overwrite: true);

        await AssertSavingWorksAsync(reader, optIn: false);
    }

    [Fact]
    public async Task A_file_deleted_while_running_leaves_reading_alone_and_a_new_file_takes_over()
    {
        var database = _folder.File("progress.db");
        using var site = Site(database);
        using var client = TestReader.SharedClient(site.Address);
        var reader = new TestReader(client);
        await AssertSavingWorksAsync(reader, optIn: true);

        foreach (var file in new[] { database, database + "-wal", database + "-shm" })
        {
            File.Delete(file);
        }

        await AssertReadingGoesOnAsync(reader);
        // The progress went with the file: the reader is told so, never shown an error, and can
        // start again on a fresh file.
        using (var save = await reader.PostAsync("/progress/save", ("article", TestReader.Article.Slug), ("part", Part(2).Slug)))
        {
            Assert.Equal(303, (int)save.StatusCode);
            Assert.DoesNotContain("progress=saved", save.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        await AssertSavingWorksAsync(reader, optIn: true);
        Assert.True(File.Exists(database));
    }

    [Fact]
    public async Task A_database_locked_by_another_process_leaves_reading_alone_and_saving_works_once_released()
    {
        var database = _folder.File("progress.db");
        // A save gives up on the lock after one second rather than the default ten.
        using var site = Site(database);
        site.With("Progress:BusyTimeout", "00:00:01");
        using var client = TestReader.SharedClient(site.Address);
        var reader = new TestReader(client);
        await AssertSavingWorksAsync(reader, optIn: true);

        using (var locker = LockFromAnotherProcess(database))
        {
            await AssertReadingGoesOnAsync(reader, parts: 1);
            await AssertSavingFailsGentlyAsync(reader);
            await locker.StandardInput.WriteLineAsync("ROLLBACK;");
            locker.StandardInput.Close();
            await locker.WaitForExitAsync();
        }

        await AssertSavingWorksAsync(reader, optIn: false);
    }

    private LiveSite Site(string databasePath)
    {
        var site = new LiveSite();
        // No back-off after a fault: each test saves straight after clearing it, and that save
        // must be a real try of the database.
        site.With("Progress:DatabasePath", databasePath).With("Safety:PostsPerWindow", "100000").With("Progress:FaultBackOff", "00:00:00");
        return site;
    }

    private static async Task AssertReadingGoesOnAsync(TestReader reader, int parts = 10)
    {
        foreach (var part in TestReader.Article.Parts.Take(parts))
        {
            using var page = await reader.GetAsync(TestReader.Article.PartUrl(part));
            var html = await page.Content.ReadAsStringAsync();
            Assert.Equal(200, (int)page.StatusCode);
            var document = await Html.ParseAsync(html);
            Assert.Equal(part.Title, document.QuerySelector("h1")!.TextContent.Trim());
            Assert.NotEmpty(document.QuerySelector(".prose")!.TextContent.Trim());
        }

        using var cover = await reader.GetAsync(TestReader.Article.Url);
        Assert.Equal(200, (int)cover.StatusCode);
    }

    private static async Task AssertOptInFailsGentlyAsync(TestReader reader)
    {
        using var optIn = await reader.OptInAsync(Part(1));
        Assert.Equal(303, (int)optIn.StatusCode);
        Assert.Contains("progress=unavailable", optIn.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Null(reader.Cookie);
        await AssertCalmMessageAsync(reader, optIn.Headers.Location!.OriginalString);
    }

    private static async Task AssertSavingFailsGentlyAsync(TestReader reader)
    {
        using var save = await reader.PostAsync("/progress/save", ("article", TestReader.Article.Slug), ("part", Part(3).Slug));
        Assert.Equal(303, (int)save.StatusCode);
        Assert.EndsWith("progress=unavailable#outcome", save.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.NotNull(reader.Cookie);
        await AssertCalmMessageAsync(reader, save.Headers.Location!.OriginalString);
    }

    private static async Task AssertCalmMessageAsync(TestReader reader, string location)
    {
        using var page = await reader.GetAsync(location);
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Contains("couldn’t save that right now", WebUtility(await page.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    private static async Task AssertSavingWorksAsync(TestReader reader, bool optIn)
    {
        if (optIn)
        {
            using var remember = await reader.OptInAsync(Part(1));
            Assert.Contains("progress=remembered", remember.Headers.Location!.OriginalString, StringComparison.Ordinal);
            Assert.NotNull(reader.Cookie);
        }

        using var save = await reader.PostAsync("/progress/save", ("article", TestReader.Article.Slug), ("part", Part(4).Slug));
        Assert.Equal(303, (int)save.StatusCode);
        Assert.Contains("progress=saved", save.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    private static string WebUtility(string html) => System.Net.WebUtility.HtmlDecode(html);

    private static void Backup(string database, string backup)
    {
        using var connection = LoadTests.Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $backup";
        command.Parameters.AddWithValue("$backup", backup);
        command.ExecuteNonQuery();
    }

    /// <summary>Garbage over the whole file, header and all, as a failing disk might leave it.</summary>
    private static async Task CorruptAsync(string database)
    {
        var garbage = new byte[64 * 1024];
        new Random(6).NextBytes(garbage);
        await File.WriteAllBytesAsync(database, garbage);
        File.Delete(database + "-wal");
        File.Delete(database + "-shm");
    }

    /// <summary>The sqlite3 shell, as an operator's, holding the write lock until told to let go.</summary>
    private static Process LockFromAnotherProcess(string database)
    {
        var shell = Process.Start(new ProcessStartInfo("sqlite3", [database])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        shell.StandardInput.WriteLine("BEGIN EXCLUSIVE;");
        shell.StandardInput.WriteLine("SELECT 'locked';");
        shell.StandardInput.Flush();
        Assert.Equal("locked", shell.StandardOutput.ReadLine());
        return shell;
    }
}
