using Microsoft.AspNetCore.Http;

namespace Upres.Service.Dialects;

/// Refusals made outside a door's endpoints (the global rate limiter) in the vendor's words.
public static class DialectErrors
{
    /// Writes a 429 in the vendor's shape when the path is under a door; false otherwise.
    public static async Task<bool> TryWriteRateLimitedAsync(HttpContext http, int retryAfterSeconds)
    {
        if (Doors.ForPath(http.Request.Path) is not { } door)
        {
            return false;
        }

        await door.Render(new DialectProblem(ProblemKind.RateLimited, $"Too many requests; retry after {retryAfterSeconds} s.")).ExecuteAsync(http);
        return true;
    }
}
