using System.Collections.Concurrent;
using Relational.Tests.Fixtures;
using Relational.Tests.Sites;

namespace Relational.Tests.Safety;

/// <summary>
/// The site, as its own process, is killed with SIGKILL in the middle of readers' writes: the file
/// afterwards passes <c>PRAGMA integrity_check</c> and holds every write a reader was told was saved.
/// </summary>
public sealed class KillTests : IDisposable
{
    private readonly ScratchFolder _folder = new("relational-kill-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task After_SIGKILL_mid_writes_the_file_is_whole_and_every_acknowledged_write_is_there()
    {
        var database = _folder.File("progress.db");
        var acknowledged = new ConcurrentBag<(TestReader Reader, string Part)>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cutShort = 0;
        var parts = TestReader.Article.Parts;
        using (var site = new SiteProcess(database))
        {
            await site.WaitUntilReadyAsync();
            using var client = TestReader.SharedClient(site.Address);
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(async _ =>
            {
                var reader = new TestReader(client);
                (await reader.OptInAsync(parts[0])).Dispose();
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var part = parts[i % parts.Length].Slug;
                    try
                    {
                        using var response = await reader.PostAsync("/progress/finished", ("article", TestReader.Article.Slug), ("part", part));
                        // The reader is told "Marked as finished" only on this answer.
                        if (response.Headers.Location?.OriginalString.Contains("progress=finished", StringComparison.Ordinal) == true)
                        {
                            acknowledged.Add((reader, part));
                            if (acknowledged.Count >= 200)
                            {
                                enough.TrySetResult();
                            }
                        }
                    }
                    catch (HttpRequestException)
                    {
                        Interlocked.Increment(ref cutShort);
                        return; // killed mid-request: that write was never acknowledged
                    }
                }
            }).ToArray();

            // Let the writes run, then kill while they are in flight.
            var firstToEnd = await Task.WhenAny(enough.Task, Task.WhenAny(writers), Task.Delay(TimeSpan.FromSeconds(90)));
            Assert.True(firstToEnd == enough.Task, $"200 writes were not acknowledged: {acknowledged.Count} were, {cutShort} failed");
            site.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(90));
        }

        // The kill came while writes were under way: at least one was cut short by it.
        Assert.InRange(cutShort, 1, 8);
        using (var connection = LoadTests.Open(database))
        using (var check = connection.CreateCommand())
        {
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", check.ExecuteScalar());
        }

        foreach (var (reader, part) in acknowledged.Distinct())
        {
            Assert.True(LoadTests.Row(database, reader.KeyHash(), part) == true, $"an acknowledged write of {part} is missing");
        }
    }
}
