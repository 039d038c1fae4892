namespace Relational.Safety;

public static class SafetyExtensions
{
    public static WebApplicationBuilder AddSafety(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SafetyOptions>().BindConfiguration(SafetyOptions.Section);
        return builder;
    }
}
