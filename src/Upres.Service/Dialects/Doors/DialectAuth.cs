using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Upres.Service.Accounts;

namespace Upres.Service.Dialects;

/// The vendors' headers resolve to the same accounts and keys as the native API's Bearer.
public static class DialectAuth
{
    public static async Task<Account?> AuthenticateAsync(HttpContext http, string? rawKey, CancellationToken cancellationToken)
    {
        var key = rawKey?.Trim();
        if (key is null or { Length: 0 or > 200 })
        {
            return null;
        }

        var account = await http.RequestServices.GetRequiredService<IAccountStore>().AuthenticateHashAsync(ApiKeyHash.ForRequest(http, key), cancellationToken);
        if (account is not null)
        {
            http.RequestServices.GetRequiredService<CurrentAccount>().Set(account);
        }

        return account;
    }
}
