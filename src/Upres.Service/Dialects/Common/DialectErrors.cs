using Microsoft.AspNetCore.Http;
using Upres.Service.Dialects.HitPaw;
using Upres.Service.Dialects.KieAi;
using Upres.Service.Dialects.Kokoon;
using Upres.Service.Dialects.Mingyan;

namespace Upres.Service.Dialects;

/// Which vendor's error shape a request path answers in, for refusals made before an endpoint runs
/// (the global rate limiter).
public static class DialectErrors
{
    public static Func<DialectProblem, IResult>? ForPath(PathString path)
    {
        if (path.StartsWithSegments(MingyanDialect.BasePath))
        {
            return p => Write(MingyanDialect.Error(p));
        }

        if (path.StartsWithSegments(KokoonDialect.BasePath))
        {
            return p => Write(KokoonDialect.Error(p));
        }

        if (path.StartsWithSegments("/api/v1/jobs"))
        {
            return p => Write(KieDialect.Error(p));
        }

        if (path.StartsWithSegments("/api/v3"))
        {
            return p => Write(HitPawDialect.Error(p));
        }

        return null;
    }

    /// Writes a 429 in the vendor's shape when the path is a dialect's; false otherwise.
    public static async Task<bool> TryWriteRateLimitedAsync(HttpContext http, int retryAfterSeconds)
    {
        if (ForPath(http.Request.Path) is not { } fail)
        {
            return false;
        }

        await fail(new DialectProblem(ProblemKind.RateLimited, $"Too many requests; retry after {retryAfterSeconds} s.")).ExecuteAsync(http);
        return true;
    }

    private static IResult Write<T>((int Status, T Body) error) => DialectJson.Write(error.Status, error.Body);
}
