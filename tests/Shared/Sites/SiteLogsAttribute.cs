using System.Collections.Concurrent;
using System.Reflection;
using Xunit.v3;

[assembly: Relational.Tests.Sites.SiteLogs]

namespace Relational.Tests.Sites;

/// <summary>
/// A failing test's output carries the site logs written while it ran (of the sites its test
/// collection started: its own, and shared fixtures'). <c>dotnet test</c> shows test output for
/// failing tests only, and this adds to it only when the test failed, so a passing run stays quiet.
/// Tests of one collection run one after another, so what a log gained between a test's start and
/// its end is that test's. Applies to every test of the assemblies that compile this file.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class SiteLogsAttribute : BeforeAfterTestAttribute
{
    /// <summary>At most this much of one log is shown for one test (its end, where a failure is).</summary>
    private const int MaxShown = 200_000;

    private static readonly TimeSpan LastLines = TimeSpan.FromMilliseconds(250);

    /// <summary>The logs of each test collection's sites, by the collection's id.</summary>
    private static readonly ConcurrentDictionary<string, List<Watched>> Collections = new(StringComparer.Ordinal);

    /// <summary>Follows <paramref name="log"/> in the test collection whose fixture or test made it (if any).</summary>
    public static void Watch(CapturedLogStream log)
    {
        if (TestContext.Current.TestCollection?.UniqueID is { } collection)
        {
            var logs = Collections.GetOrAdd(collection, _ => []);
            lock (logs)
            {
                logs.Add(new Watched(log));
            }
        }
    }

    public override void Before(MethodInfo methodUnderTest, IXunitTest test)
    {
        if (Collections.TryGetValue(test.TestCase.TestCollection.UniqueID, out var logs))
        {
            lock (logs)
            {
                logs.RemoveAll(w => w.Log.Finished);
                foreach (var watched in logs)
                {
                    watched.Mark = watched.Log.Length;
                }
            }
        }
    }

    public override void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        var context = TestContext.Current;
        if (context.TestState?.Result != TestResult.Failed || context.TestOutputHelper is not { } output
            || !Collections.TryGetValue(test.TestCase.TestCollection.UniqueID, out var logs))
        {
            return;
        }

        // The site writes its lines off the request's thread (Relational.Site.SiteLog): give the
        // last lines of the failing test time to arrive. Only failures wait.
        Thread.Sleep(LastLines);
        lock (logs)
        {
            foreach (var watched in logs)
            {
                var text = watched.Log.TextFrom(watched.Mark);
                if (text.Length > 0)
                {
                    output.WriteLine($"--- site log of {watched.Log.Name}, written during this test ---");
                    output.WriteLine(text.Length > MaxShown ? $"({text.Length - MaxShown} earlier characters left out)" + Environment.NewLine + text[^MaxShown..] : text);
                }
            }
        }
    }

    private sealed class Watched(CapturedLogStream log)
    {
        public CapturedLogStream Log { get; } = log;

        public long Mark { get; set; }
    }
}
