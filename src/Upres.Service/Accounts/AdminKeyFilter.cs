using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Upres.Service.Hosting;
using Upres.Service.Problems;

namespace Upres.Service.Accounts;

public sealed class AdminKeyFilter(IOptions<UpresOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var adminKey = options.Value.AdminKey;
        if (string.IsNullOrEmpty(adminKey))
        {
            return Errors.AdminDisabled().ToProblem();
        }

        var given = ApiKeyFilter.BearerToken(context.HttpContext.Request) ?? "";
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(adminKey))))
        {
            return Errors.AdminUnauthorized().ToProblem();
        }

        return await next(context);
    }
}
