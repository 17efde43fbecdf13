using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Upres.Service.Accounts;
using Upres.Service.Hosting;
using Upres.Service.Problems;

namespace Upres.Service.Security;

/// Per-key token buckets (any of the credential headers the doors use), per-address for anonymous
/// callers; a refusal is a 429 problem with Retry-After.
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

                var credential = ctx.Request.Headers.Authorization.ToString();
                if (string.IsNullOrEmpty(credential))
                {
                    credential = ctx.Request.Headers["ApiKey"].ToString();
                }

                var perMinute = ctx.RequestServices.GetRequiredService<IOptions<UpresOptions>>().Value.RateLimitPerMinute;
                var key = string.IsNullOrEmpty(credential) ? "ip:" + ctx.Connection.RemoteIpAddress : "key:" + ApiKeyHash.Of(credential);
                var limit = string.IsNullOrEmpty(credential) ? perMinute * 4 : perMinute;
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
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
}
