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

builder.AddSiteLogging();
builder.AddSite();
builder.AddContent();
builder.AddReading();
builder.AddSafety();
builder.AddReadingProgress();
builder.AddPageCaching();

var app = builder.Build();

app.UseSiteRequestLogging();
app.UseSiteErrorPages();
app.UseSafety();
app.UsePageCaching();
app.MapReader();
app.MapSite();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
