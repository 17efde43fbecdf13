using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Upres.Service.Hosting;

/// Checks an options class's [Range] and [Required] settings and says what is wrong in the operator's
/// words: the setting's name (its environment variable), the value given and what is allowed, e.g.
/// `UPRES_RATE_LIMIT_PER_MINUTE=100000000 is out of range: allowed 1 to 1000000`.
public sealed class SettingsValidation<T> : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var failures = new List<string>();
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
            var value = property.GetValue(options);
            if (property.GetCustomAttribute<RequiredAttribute>() is not null && (value is null || value is string { Length: 0 }))
            {
                failures.Add($"{key} is required");
            }

            if (property.GetCustomAttribute<RangeAttribute>() is { } range && value is not null && !range.IsValid(value))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{key}={Convert.ToString(value, CultureInfo.InvariantCulture)} is out of range: allowed {range.Minimum} to {range.Maximum}"));
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class SettingsValidationExtensions
{
    /// Binds T from the root configuration and validates it at start with SettingsValidation.
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, string section = "")
        where T : class
    {
        services.AddSingleton<IValidateOptions<T>, SettingsValidation<T>>();
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }
}
