using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Upres.Service.Problems;

namespace Upres.Service.Dialects;

/// Runs a dialect handler so that every refusal (a validation problem, a core ServiceException, an
/// unexpected failure) leaves in the vendor's own error shape, never as the native problem+json.
public static partial class DialectFlow
{
    public static async Task<IResult> RunAsync(HttpContext http, Func<DialectProblem, IResult> fail, Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (DialectProblemException e)
        {
            return fail(e.Problem);
        }
        catch (ServiceException e)
        {
            return fail(e.Error.ToDialectProblem());
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Upres.Dialects");
            LogFailure(logger, e, http.Request.Path);
            return fail(new DialectProblem(ProblemKind.Internal, "internal error"));
        }
    }

    public static DialectProblemException Problem(ProblemKind kind, string message, string? field = null) => new(new DialectProblem(kind, message, field));

    public static void ThrowIf(DialectProblem? problem)
    {
        if (problem is not null)
        {
            throw new DialectProblemException(problem);
        }
    }

    public static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, problem) = await DialectBody.ReadAsync(request, cancellationToken);
        ThrowIf(problem);
        return body!;
    }

    public static T Valid<T>(Validated<T> validated)
        where T : class => validated.IsValid ? validated.Value : throw new DialectProblemException(validated.Problem);

    [LoggerMessage(LogLevel.Error, "dialect request {Path} failed")]
    private static partial void LogFailure(ILogger logger, Exception exception, string path);
}
