using Relational.Content;
using Relational.Offline;
using Relational.Progress;
using Relational.Performance;
using Relational.Reading;
using Relational.Readership;
using Relational.Safety;
using Relational.Site;

var command = CommandLine.Parse(args);
if (await CommandLine.AnswerAsync(command) is { } answered)
{
    return answered;
}

try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions
    {
        Args = args,
        // The app's own folder, not the working directory: a service manager starts it in `/`, an
        // operator from anywhere. appsettings.json, wwwroot and the asset manifest live beside the
        // assembly; content and the database are looked for from here (docs/configuration.md).
        ContentRootPath = AppContext.BaseDirectory,
    });
    // Run from source, the compressed assets and wwwroot are found through the build's manifest of
    // static web assets, whatever the environment; a published build has no such manifest and
    // serves its own wwwroot.
    builder.WebHost.UseStaticWebAssets();
    if (command == Command.CheckContent)
    {
        return ContentCheck.Run(args, builder.Configuration, builder.Environment.ContentRootPath);
    }

    if (command == Command.CopyProgressToPostgreSql)
    {
        return await ProgressStoreCopy.RunAsync(builder.Configuration, builder.Environment.ContentRootPath);
    }

    builder.AddSiteLogging();
    builder.AddSite();
    builder.AddContent();
    builder.AddReading();
    builder.AddSafety();
    builder.AddReadingProgress();
    builder.AddReadership();
    builder.AddPageCaching();

    var app = builder.Build();
    app.CheckSettings();

    app.UseTrustedProxies();
    // Requests that went well are logged at Debug; when that level is on, the log goes first so
    // that every request keeps its line.
    var everyRequestLogged = app.LogsEveryRequest();
    if (everyRequestLogged)
    {
        app.UseSiteRequestLogging();
    }

    // A page the output cache keeps is answered here, before routing, the security headers (it
    // was kept with them), the request log, the error pages and the guard: the output cache
    // alone fell short of the throughput target (docs/benchmarks.md). A middleware added below
    // this line does not run for a kept page: one that must, goes above it; a header a page
    // needs is set before the output cache stores the page, so it is kept with it
    // (PageCacheTests compares a kept page's headers with the rendered one's).
    app.UseReadership();
    app.UseKeptPages();
    app.UseRouting();
    app.UseSecurityHeaders();
    app.UsePageCaching();
    if (!everyRequestLogged)
    {
        app.UseSiteRequestLogging();
    }

    app.UseSiteErrorPages();
    app.UseRequestGuard();
    // Nobody signs in here, but Razor Pages registers the authentication and authorization
    // services, and the host puts both middlewares first in the pipeline unless the app places
    // them. Placed here, a page from the cache never runs them.
    app.UseAuthentication();
    app.UseAuthorization();
    app.MapReader();
    app.MapOffline();
    app.MapSite();
    app.KeepContentOffSiteAddresses();

    await app.RunAsync();
    return 0;
}
catch (Exception e) when (System.Reflection.Assembly.GetEntryAssembly() == typeof(Program).Assembly
    && StartupFailure.Describe(e) is { } sentence)
{
    // One sentence for the operator (a setting, a port, a folder); the stack trace would only
    // bury it. (Only as the process's own entry point: hosted by the tests, the exception goes
    // to them.)
    await Console.Error.WriteLineAsync(sentence);
    return 1;
}

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
