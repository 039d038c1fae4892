using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Relational.Tests;

/// <summary>
/// xunit's own framework, plus one thing: a failing test's output carries the site logs written
/// while it ran (of the sites its test collection started: its own, and shared fixtures'). Test
/// output is shown by <c>dotnet test</c> for failing tests only, so a passing run stays quiet
/// while a failure comes with its site's log. Tests of one collection run one after another, so
/// what a log gained between a test's start and its end is that test's.
/// Named by <c>[assembly: TestFramework]</c> in the projects that start sites.
/// </summary>
public sealed class SiteLogFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    /// <summary>At most this much of one log is shown for one test (its end, where a failure is).</summary>
    private const int MaxShown = 200_000;

    private static readonly TimeSpan LastLines = TimeSpan.FromMilliseconds(250);

    private static readonly AsyncLocal<CollectionLogs?> Current = new();

    /// <summary>Follows <paramref name="log"/> in the test collection that is running (if any).</summary>
    public static void Watch(CapturedLogStream log) => Current.Value?.Add(log);

    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformation, IMessageSink diagnostics)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformation, diagnostics)
    {
        // async void as in xunit's own executor: the runner reports its end through the message sink.
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new AssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class AssemblyRunner(
        ITestAssembly testAssembly, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnostics, IMessageSink execution, ITestFrameworkExecutionOptions options)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnostics, execution, options)
    {
        protected override async Task<RunSummary> RunTestCollectionAsync(
            IMessageBus messageBus, ITestCollection testCollection, IEnumerable<IXunitTestCase> testCases, CancellationTokenSource cancellationTokenSource)
        {
            // Set inside this async method, so it flows into this collection's fixtures and tests only.
            var logs = new CollectionLogs(messageBus);
            Current.Value = logs;
            return await base.RunTestCollectionAsync(logs, testCollection, testCases, cancellationTokenSource);
        }
    }

    /// <summary>The logs of one test collection's sites, and how far each had got when the last test ended.</summary>
    private sealed class CollectionLogs(IMessageBus bus) : IMessageBus
    {
        private readonly List<Watched> _logs = [];

        public void Add(CapturedLogStream log)
        {
            lock (_logs)
            {
                _logs.Add(new Watched(log));
            }
        }

        public bool QueueMessage(IMessageSinkMessage message)
        {
            switch (message)
            {
                case ITestFailed failed:
                    // The site writes its lines off the request's thread (Relational.Site.SiteLog): give
                    // the last lines of the failing test time to arrive. Only failures wait.
                    Thread.Sleep(LastLines);
                    message = new TestFailed(failed.Test, failed.ExecutionTime, failed.Output + LogsSinceLastTest(),
                        failed.ExceptionTypes, failed.Messages, failed.StackTraces, failed.ExceptionParentIndices);
                    break;
                case ITestFinished:
                    NextTest();
                    break;
            }

            return bus.QueueMessage(message);
        }

        // The assembly runner owns the bus it was given.
        public void Dispose()
        {
        }

        private string LogsSinceLastTest()
        {
            var shown = new System.Text.StringBuilder();
            lock (_logs)
            {
                foreach (var watched in _logs)
                {
                    var text = watched.Log.TextFrom(watched.Mark);
                    if (text.Length == 0)
                    {
                        continue;
                    }

                    shown.AppendLine().AppendLine($"--- site log of {watched.Log.Name}, written during this test ---");
                    shown.Append(text.Length > MaxShown ? $"({text.Length - MaxShown} earlier characters left out)" + Environment.NewLine + text[^MaxShown..] : text);
                }
            }

            return shown.ToString();
        }

        private void NextTest()
        {
            lock (_logs)
            {
                _logs.RemoveAll(w => w.Log.Finished);
                foreach (var watched in _logs)
                {
                    watched.Mark = watched.Log.Length;
                }
            }
        }

        private sealed class Watched(CapturedLogStream log)
        {
            public CapturedLogStream Log { get; } = log;

            public long Mark { get; set; }
        }
    }
}
