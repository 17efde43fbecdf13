using Upres.Service.Problems;

namespace Upres.Service.Dialects;

/// The core refuses with stable codes; each dialect renders the same refusal in its vendor's words.
public static class ServiceErrorProblems
{
    public static DialectProblem ToDialectProblem(this ServiceError error)
    {
        var message = error.Detail is null ? error.Title : $"{error.Title} {error.Detail}";
        var kind = error.Code switch
        {
            "unauthorized" => ProblemKind.Unauthorized,
            "insufficient_credits" => ProblemKind.InsufficientCredit,
            "rate_limited" => ProblemKind.RateLimited,
            "payload_too_large" => ProblemKind.PayloadTooLarge,
            "storage_quota_exceeded" => ProblemKind.StorageQuotaExceeded,
            "insufficient_storage" or "storage_full" => ProblemKind.InsufficientStorage,
            "unknown_model" => ProblemKind.UnknownModel,
            "invalid_request" or "idempotency_key_reused" => ProblemKind.InvalidValue,
            "unsupported_media" or "media_limit_exceeded" or "url_refused" or "fetch_failed" => ProblemKind.InputRejected,
            _ when error.Code.EndsWith("_not_found", StringComparison.Ordinal) || error.Status == 404 => ProblemKind.NotFound,
            _ when error.Status is >= 400 and < 500 => ProblemKind.InvalidValue,
            _ => ProblemKind.Internal,
        };
        return new DialectProblem(kind, message);
    }
}
