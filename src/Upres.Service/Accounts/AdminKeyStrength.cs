using Microsoft.Extensions.Options;
using Upres.Service.Hosting;

namespace Upres.Service.Accounts;

/// The admin key creates accounts and credits: a guessable one is refused at start. The message
/// never repeats the key, only why it is too weak.
public sealed class AdminKeyStrength : IValidateOptions<UpresOptions>
{
    public const int MinimumLength = 24;
    public const int MinimumDistinctCharacters = 10;

    public ValidateOptionsResult Validate(string? name, UpresOptions options)
    {
        var key = options.AdminKey;
        if (string.IsNullOrEmpty(key))
        {
            return ValidateOptionsResult.Success;
        }

        var distinct = key.Distinct().Count();
        return key.Length >= MinimumLength && distinct >= MinimumDistinctCharacters
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"UPRES_ADMIN_KEY is too weak ({key.Length} characters, {distinct} different): allowed are keys of at least {MinimumLength} characters with at least {MinimumDistinctCharacters} different ones, e.g. from `openssl rand -base64 32`; or leave it unset and serve makes one");
    }
}
