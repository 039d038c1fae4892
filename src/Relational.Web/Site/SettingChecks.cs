using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Relational.Site;

/// <summary>
/// The one way settings are checked: each options class has an <see cref="IValidateOptions{TOptions}"/>
/// whose failures name the setting ("Progress:RetentionDays must be at least 1"), checked before the
/// site listens (<see cref="SettingsExtensions.CheckSettings"/>); Program.cs prints them as one
/// sentence and exits with code 1 (<see cref="StartupFailure"/>).
/// </summary>
public sealed class SettingChecks
{
    private readonly List<string> _failures = [];

    public SettingChecks Require(bool holds, string failure)
    {
        if (!holds)
        {
            _failures.Add(failure);
        }

        return this;
    }

    public ValidateOptionsResult Result => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);
}

public static class SettingsExtensions
{
    /// <summary>Binds <typeparamref name="TOptions"/> to its section, checked by <typeparamref name="TChecks"/> at start.</summary>
    public static OptionsBuilder<TOptions> AddCheckedSettings<TOptions, TChecks>(this IServiceCollection services, string part)
        where TOptions : class
        where TChecks : class, IValidateOptions<TOptions>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TChecks>());
        return services.AddOptions<TOptions>().BindConfiguration(part).ValidateOnStart();
    }

    /// <summary>
    /// Every setting checked before anything listens or is logged, so a mistake ends in its sentence
    /// alone (the host would log its own failure first).
    /// </summary>
    public static WebApplication CheckSettings(this WebApplication app)
    {
        app.Services.GetService<IStartupValidator>()?.Validate();
        return app;
    }
}
