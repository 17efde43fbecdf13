using Microsoft.Extensions.Options;
using Upres.Service.Hosting;

namespace Upres.Service.Security;

/// A malformed allow-list entry stops the start with the setting's name, not at the first fetch.
public sealed class AllowListSettings : IValidateOptions<UpresOptions>
{
    public ValidateOptionsResult Validate(string? name, UpresOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, value) in new[] { ("UPRES_FETCH_ALLOW", options.FetchAllow), ("UPRES_WEBHOOK_ALLOW", options.WebhookAllow) })
        {
            try
            {
                _ = new FetchAllowList(value);
            }
            catch (FormatException e)
            {
                failures.Add($"{key}={value} is not an allow-list: {e.Message}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
