using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Upres.Service.Problems;

namespace Upres.Service.Accounts;

/// Bearer auth for a route group. Dialects reuse AuthenticateAsync with their own header.
public sealed class ApiKeyFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = BearerToken(http.Request);
        var account = key is null or { Length: 0 or > 200 }
            ? null
            : await http.RequestServices.GetRequiredService<IAccountStore>().AuthenticateHashAsync(ApiKeyHash.ForRequest(http, key), http.RequestAborted);
        if (account is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Errors.Unauthorized().ToProblem();
        }

        http.RequestServices.GetRequiredService<CurrentAccount>().Set(account);
        return await next(context);
    }

    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }
}
