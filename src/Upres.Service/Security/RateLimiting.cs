using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Upres.Service.Accounts;
using Upres.Service.Dialects;
using Upres.Service.Hosting;
using Upres.Service.Problems;

namespace Upres.Service.Security;

/// Token buckets, chosen before the endpoint runs but keyed on what authentication will decide:
/// - a key this server knows counts against its account, however the header spells it (`bearer K`,
///   `Bearer  K`, kokoon's bare token, HitPaw's ApiKey) and whichever of the account's keys it is;
/// - a key it does not know (a guess, mostly) counts against the client address with a small
///   allowance, so random keys cannot buy a bucket and a database lookup each;
/// - no key at all counts against the client address.
/// A refusal is a 429 with Retry-After in the caller's shape (problem+json or the vendor's body).
public static class RateLimiting
{
    public static IServiceCollection AddUpresRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
            {
                var path = ctx.Request.Path;
                if (path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics")
                    || path.StartsWithSegments("/v1/admin"))
                {
                    return RateLimitPartition.GetNoLimiter("infra");
                }

                var options = ctx.RequestServices.GetRequiredService<IOptions<UpresOptions>>().Value;
                var address = ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                var (partition, limit) = KeyFrom(ctx.Request) switch
                {
                    null => ("ip:" + address, options.RateLimitPerMinute * 4),
                    var key when ctx.RequestServices.GetRequiredService<KnownApiKeys>().TryGetAccount(ApiKeyHash.ForRequest(ctx, key), out var accountId)
                        => ("account:" + accountId, options.RateLimitPerMinute),
                    _ => ("unknown-key:" + address, options.AuthFailuresPerMinute),
                };
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limit,
                    TokensPerPeriod = limit,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = async (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? (int)Math.Ceiling(after.TotalSeconds) : 60;
                retry = Math.Max(1, retry);
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
                if (!await Dialects.DialectErrors.TryWriteRateLimitedAsync(http, retry))
                {
                    await Errors.RateLimited(retry).ToProblem().ExecuteAsync(http);
                }
            };
        });
        return services;
    }

    /// The key as authentication will read it, from any door's header.
    private static string? KeyFrom(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        return AuthHeaders.Bearer(authorization) ?? AuthHeaders.Bare(authorization) ?? AuthHeaders.ApiKey(request.Headers["ApiKey"].ToString());
    }
}
