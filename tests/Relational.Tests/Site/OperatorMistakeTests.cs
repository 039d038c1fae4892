using System.Net;
using System.Net.Sockets;
using Relational.Tests.Sites;

namespace Relational.Tests.Site;

/// <summary>
/// What an operator sees when they get something wrong, the built site run as its own process as
/// in production: a setting that cannot work, a port already taken, a mistyped switch. One
/// sentence on standard error and exit code 1 (systemd's <c>RestartPreventExitStatus=1</c> then
/// stops it retrying), or the usage; never a stack trace, never a second site started.
/// </summary>
public sealed class OperatorMistakeTests : IDisposable
{
    private readonly SiteProcesses _sites = new();

    public void Dispose() => _sites.Dispose();

    private SiteProcess Run(string[] arguments, params (string Key, string Value)[] settings) => _sites.Start(arguments, settings);

    public static TheoryData<string, string, string> RefusedSettings() => new()
    {
        { "Safety__TrustedProxies__0", "proxy.example", "Safety:TrustedProxies must list IP addresses" },
        { "Safety__NewReadersPerMinute", "0", "Safety:NewReadersPerMinute must be at least 1" },
        { "Safety__PostsPerWindow", "-1", "Safety:PostsPerWindow must be at least 1" },
        { "Progress__RetentionDays", "0", "Progress:RetentionDays must be at least 1" },
        { "Progress__RetentionDays", "a year", "Progress:RetentionDays must be a whole number" },
        { "Progress__PurgeInterval", "00:00:00", "Progress:PurgeInterval must be longer than zero" },
        { "Progress__PageViewBusyTimeout", "soon", "Progress:PageViewBusyTimeout must be a time span" },
        { "PageCache__SizeLimitMegabytes", "0", "PageCache:SizeLimitMegabytes must be a whole number of megabytes from 1" },
        { "PageCache__Expiration", "-01:00:00", "PageCache:Expiration must be longer than zero" },
        { "Site__PublicOrigin", "reading.example.org", "Site:PublicOrigin must be a scheme and a host only" },
        { "Site__PublicOrigin", "https://reading.example.org/read", "Site:PublicOrigin must be a scheme and a host only" },
        { "Site__PublicOrigin", "", "Site:PublicOrigin (environment: Site__PublicOrigin) must be set in Production" },
    };

    [Theory]
    [MemberData(nameof(RefusedSettings))]
    public async Task A_setting_that_cannot_work_stops_start_up_with_one_sentence_and_exit_code_1(string key, string value, string sentence)
    {
        using var site = Run([], (key, value));

        var exitCode = await site.ExitCodeAsync();

        Assert.Equal(1, exitCode);
        AssertOneSentence(site, sentence);
    }

    [Fact]
    public async Task A_port_already_in_use_stops_start_up_with_one_sentence_and_exit_code_1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var site = _sites.Start([], [], port);

        var exitCode = await site.ExitCodeAsync();

        Assert.Equal(1, exitCode);
        AssertOneSentence(site, $"http://127.0.0.1:{port}: address already in use");
        // The log holds no trace of the failure either: the sentence says it all.
        Assert.DoesNotContain("Hosting failed", site.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_prints_the_usage_and_exits_0_without_starting(string help)
    {
        using var site = Run([help]);

        var exitCode = await site.ExitCodeAsync();

        Assert.Equal(0, exitCode);
        foreach (var listed in new[] { "--healthcheck", "--copy-progress-to-postgresql", "--check-content", "--version", "--help" })
        {
            Assert.Contains(listed, site.Output, StringComparison.Ordinal);
        }

        Assert.Empty(site.Errors);
        AssertNotStarted(site);
    }

    [Fact]
    public async Task Version_prints_the_version_and_exits_0_without_starting()
    {
        using var site = Run(["--version"]);

        var exitCode = await site.ExitCodeAsync();

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", site.Output.Trim());
        AssertNotStarted(site);
    }

    [Theory]
    [InlineData("--healtcheck")]
    [InlineData("-v")]
    [InlineData("start")]
    public async Task An_unknown_switch_prints_the_usage_on_standard_error_and_exits_2_without_starting(string unknown)
    {
        using var site = Run([unknown]);

        var exitCode = await site.ExitCodeAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains("Usage: dotnet Relational.Web.dll", site.Errors, StringComparison.Ordinal);
        Assert.Contains("--healthcheck", site.Errors, StringComparison.Ordinal);
        AssertNotStarted(site);
    }

    [Fact]
    public async Task A_setting_given_on_the_command_line_is_not_taken_for_an_unknown_switch()
    {
        using var site = Run(["--Site:Name=Another name", "--Safety:PostsPerWindow", "5"]);

        await site.WaitUntilReadyAsync();
        using var client = new HttpClient();
        var home = await client.GetStringAsync(site.Address);

        Assert.Contains("Another name", home, StringComparison.Ordinal);
    }

    private static void AssertOneSentence(SiteProcess site, string sentence)
    {
        var said = site.Errors.Trim();
        Assert.Contains(sentence, said, StringComparison.Ordinal);
        Assert.Single(said.Split('\n'));
        Assert.EndsWith(".", said, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", site.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", site.Output, StringComparison.Ordinal);
    }

    /// <summary>The site logs the content it loaded as it starts: a switch answered before that started nothing.</summary>
    private static void AssertNotStarted(SiteProcess site) =>
        Assert.DoesNotContain("catalogue", site.Output, StringComparison.OrdinalIgnoreCase);
}
