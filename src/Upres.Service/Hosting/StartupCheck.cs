using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Upres.Service.Hosting;

/// Runs every start-up validation before the host starts, so a bad setting ends in one line naming
/// the setting, its value and what is allowed (never the host's stack trace).
public static class StartupCheck
{
    /// The README's exit code for bad options; `upres serve` uses it for bad settings too.
    public const int BadSettingExitCode = 2;

    /// Throws what a bad setting throws, now rather than half-way through starting the host.
    public static void Validate(IServiceProvider services) => services.GetService<IStartupValidator>()?.Validate();

    /// One line per problem when the exception is a bad setting; null for anything else.
    public static IReadOnlyList<string>? Describe(Exception exception) => exception switch
    {
        OptionsValidationException e => [.. e.Failures],
        AggregateException e when e.InnerExceptions.All(i => i is OptionsValidationException)
            => [.. e.InnerExceptions.OfType<OptionsValidationException>().SelectMany(i => i.Failures)],
        // The binder's own message names the value, the setting and the type it should be.
        InvalidOperationException e when e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => [e.Message],
        // Kestrel's own message names the address: "Failed to bind to address http://...: address already in use."
        IOException e when e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException
            => [$"UPRES_URLS (--urls): {e.Message} Stop what holds it or choose another port."],
        _ => null,
    };
}
