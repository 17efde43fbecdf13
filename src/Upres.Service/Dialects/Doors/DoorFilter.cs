using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Upres.Service.Problems;

namespace Upres.Service.Dialects;

/// Put on a door's route group: authenticates with the door's header before the handler runs and
/// renders whatever the handler refuses (a validation problem, a core ServiceException, a body
/// over its limit, an unexpected failure) in the door's shape.
public sealed partial class DoorFilter(Door door) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            if (await DialectAuth.AuthenticateAsync(http, door.ReadKey(http.Request), http.RequestAborted) is null)
            {
                return door.Render(new DialectProblem(ProblemKind.Unauthorized, door.UnauthorizedMessage));
            }

            return await next(context);
        }
        catch (Exception e) when (ToProblem(http, e) is { } problem)
        {
            return door.Render(problem);
        }
    }

    /// What a door says about an exception; null for a cancelled request (nobody is listening).
    public static DialectProblem? ToProblem(HttpContext http, Exception exception)
    {
        switch (exception)
        {
            case DialectProblemException e:
                return e.Problem;
            case ServiceException e:
                return e.Error.ToDialectProblem();
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return new DialectProblem(ProblemKind.PayloadTooLarge, "request body is too large");
            case BadHttpRequestException e:
                return new DialectProblem(ProblemKind.MalformedJson, "the request could not be read: " + e.Message);
            case OperationCanceledException when http.RequestAborted.IsCancellationRequested:
                return null;
            case var full when StorageFullHandler.Is(full):
                return Errors.StorageFull().ToDialectProblem();
            default:
                var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Upres.Dialects");
                LogFailure(logger, exception, http.Request.Method, http.Request.Path);
                return new DialectProblem(ProblemKind.Internal, "internal error");
        }
    }

    [LoggerMessage(LogLevel.Error, "dialect request {Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, Exception exception, string method, string path);
}
