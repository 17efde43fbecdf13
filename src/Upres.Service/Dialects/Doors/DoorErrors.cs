using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Upres.Service.Dialects;

/// The refusals that happen before any door handler runs: no endpoint for the path (404), an
/// endpoint for another method (405), an exception outside a handler, or any other empty error
/// answer under a door's prefix. They leave in the door's shape instead of problem+json.
public static class DoorErrors
{
    public static IApplicationBuilder UseDoorErrors(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (Doors.ForPath(http.Request.Path) is not { } door)
        {
            await next(http);
            return;
        }

        DialectProblem? thrown;
        try
        {
            await next(http);
            thrown = null;
        }
        catch (Exception e) when (!http.Response.HasStarted && DoorFilter.ToProblem(http, e) is { } problem)
        {
            thrown = problem;
        }

        var response = http.Response;
        if (response.HasStarted)
        {
            return;
        }

        if (thrown is null && (response.StatusCode < 400 || response.ContentLength is not null || !string.IsNullOrEmpty(response.ContentType)))
        {
            return;
        }

        var answer = thrown ?? ProblemFor(http);
        if (thrown is not null)
        {
            response.Clear();
        }

        await door.Render(answer).ExecuteAsync(http);
    });

    private static DialectProblem ProblemFor(HttpContext http) => http.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => new DialectProblem(ProblemKind.UnknownPath, $"no such endpoint: {http.Request.Method} {http.Request.Path}"),
        StatusCodes.Status405MethodNotAllowed => new DialectProblem(ProblemKind.MethodNotAllowed,
            $"method {http.Request.Method} is not allowed on {http.Request.Path}"),
        StatusCodes.Status413PayloadTooLarge => new DialectProblem(ProblemKind.PayloadTooLarge, "request body is too large"),
        StatusCodes.Status429TooManyRequests => new DialectProblem(ProblemKind.RateLimited, "too many requests"),
        StatusCodes.Status401Unauthorized => new DialectProblem(ProblemKind.Unauthorized, "unauthorized"),
        >= 400 and < 500 => new DialectProblem(ProblemKind.MalformedJson, "the request could not be read"),
        _ => new DialectProblem(ProblemKind.Internal, "internal error"),
    };
}
