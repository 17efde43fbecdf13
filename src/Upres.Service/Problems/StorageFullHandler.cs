using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Upres.Service.Data;
using Upres.Service.Storage;

namespace Upres.Service.Problems;

/// A write that found the database's or the storage root's file system full: 507 storage_full as
/// problem+json with one log line, instead of a 500 with a stack trace. The write's transaction rolled
/// back (nothing stored, nothing charged) and reads keep working; the same request succeeds once
/// space is freed, without a restart. The doors render the same refusal in their shape (DoorFilter).
public sealed partial class StorageFullHandler(IProblemDetailsService problems, ILogger<StorageFullHandler> logger) : IExceptionHandler
{
    public static bool Is(Exception exception) => DatabaseFull.Is(exception) || DiskFull.Is(exception);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!Is(exception))
        {
            return false;
        }

        LogFull(httpContext.Request.Method, httpContext.Request.Path, exception.Message);
        var error = Errors.StorageFull();
        httpContext.Response.StatusCode = error.Status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = error.Status,
                Title = error.Title,
                Detail = error.Detail,
                Type = $"https://upres.dev/problems/{error.Code}",
                Extensions = { ["code"] = error.Code },
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} refused: storage full ({Reason})")]
    private partial void LogFull(string method, string path, string reason);
}
