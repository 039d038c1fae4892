using Relational.Content;
using Relational.Progress;
using Relational.Performance;
using Relational.Reading;
using Relational.Safety;
using Relational.Site;

if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync();
}

var builder = WebApplication.CreateBuilder(args);

// Settings that cannot work stop start-up with one sentence, not a stack trace.
if (ProgressExtensions.StartupProblem(builder.Configuration) is { } problem)
{
    await Console.Error.WriteLineAsync(problem);
    return 1;
}

if (args.Contains(ProgressStoreCopy.Argument))
{
    return await ProgressStoreCopy.RunAsync(builder.Configuration, builder.Environment.ContentRootPath);
}

builder.AddSiteLogging();
builder.AddSite();
builder.AddContent();
builder.AddReading();
builder.AddSafety();
builder.AddReadingProgress();
builder.AddPageSnapshots();

var app = builder.Build();

app.UseSiteRequestLogging();
app.UseSiteErrorPages();
app.UseSafety();
app.UsePageSnapshots();
app.MapReader();
app.MapSite();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
