using Microsoft.AspNetCore.Http;

namespace Upres.Service.Problems;

/// The stable codes. Clients (and dialects) switch on `code`, never on the title text.
public static class Errors
{
    public static ServiceError Unauthorized() => new("unauthorized", StatusCodes.Status401Unauthorized, "A valid API key is required.", "Send it as 'Authorization: Bearer KEY'.");

    public static ServiceError AdminDisabled() => new("admin_disabled", StatusCodes.Status403Forbidden, "Admin endpoints are disabled.", "Set UPRES_ADMIN_KEY to enable them.");

    public static ServiceError AdminUnauthorized() => new("admin_unauthorized", StatusCodes.Status401Unauthorized, "The admin key is required.");

    public static ServiceError NotFound(string what, string id) => new($"{what}_not_found", StatusCodes.Status404NotFound, $"No {what} with id '{id}'.");

    public static ServiceError Validation(string detail) => new("invalid_request", StatusCodes.Status400BadRequest, "The request is not valid.", detail);

    public static ServiceError InsufficientCredits(long price, long available) => new("insufficient_credits", StatusCodes.Status402PaymentRequired, "Not enough credits.",
        $"This job costs {price} credits and the account has {available} available.")
    {
        Extra = new() { ["price"] = price, ["available"] = available },
    };

    public static ServiceError IdempotencyKeyReused() => new("idempotency_key_reused", StatusCodes.Status422UnprocessableEntity,
        "The Idempotency-Key was already used with a different request body.");

    public static ServiceError PayloadTooLarge(long limit) => new("payload_too_large", StatusCodes.Status413PayloadTooLarge, "The upload is too large.", $"The limit is {limit} bytes.");

    public static ServiceError UnsupportedMedia(string detail) => new("unsupported_media", StatusCodes.Status422UnprocessableEntity, "The input is not a supported video.", detail);

    public static ServiceError VariableFrameRate(string detail) => new("variable_frame_rate", StatusCodes.Status422UnprocessableEntity,
        "The input has a variable frame rate; interpolation needs the opt-in.", detail);

    public static ServiceError UnsupportedContainerCodec(string detail) => new("unsupported_container_codec", StatusCodes.Status422UnprocessableEntity,
        "The codec cannot be written to the container.", detail);

    public static ServiceError MediaLimit(string detail) => new("media_limit_exceeded", StatusCodes.Status422UnprocessableEntity, "The input exceeds a limit.", detail);

    public static ServiceError UrlRefused(string detail) => new("url_refused", StatusCodes.Status422UnprocessableEntity, "The URL may not be fetched.", detail);

    public static ServiceError FetchFailed(string detail) => new("fetch_failed", StatusCodes.Status422UnprocessableEntity, "The URL could not be fetched.", detail);

    public static ServiceError UnknownModel(string model) => new("unknown_model", StatusCodes.Status400BadRequest, $"Unknown model or preset '{model}'.", "See GET /v1/models.");

    public static ServiceError JobNotCancellable(string status) => new("job_not_cancellable", StatusCodes.Status409Conflict, $"The job is already {status}.");

    public static ServiceError JobActive() => new("job_active", StatusCodes.Status409Conflict, "Cancel the job before deleting it.");

    public static ServiceError ResultUnavailable() => new("result_unavailable", StatusCodes.Status404NotFound, "The result is not available.");

    public static ServiceError LinkExpired() => new("link_expired", StatusCodes.Status403Forbidden, "The link is invalid or expired.");

    public static ServiceError InsufficientStorage() => new("insufficient_storage", StatusCodes.Status507InsufficientStorage, "The server is low on storage.",
        "New uploads and jobs are refused until space is freed; try again later.");

    public static ServiceError StorageFull() => new("storage_full", StatusCodes.Status507InsufficientStorage, "The server's storage is full.",
        "Nothing was stored or charged; reads keep working. Try again once its operator has freed space.");

    public static ServiceError StorageQuotaExceeded(Storage.StorageUsage usage, long? neededBytes) => new("storage_quota_exceeded", StatusCodes.Status507InsufficientStorage,
        "The account's storage quota is used up.",
        $"The account keeps {usage.UsedBytes} of its {usage.QuotaBytes} bytes{(neededBytes is { } n ? $" and this needs {n} more" : "")}; delete jobs (DELETE /v1/jobs/{{id}}) or wait for files to expire.")
    {
        Extra = new() { ["used_bytes"] = usage.UsedBytes, ["quota_bytes"] = usage.QuotaBytes },
    };

    public static ServiceError TooManyStreams(int limit) => new("too_many_streams", StatusCodes.Status429TooManyRequests, "Too many open event streams for this API key.",
        $"At most {limit} event streams per key are open at once; close one, or read GET /v1/jobs/{{id}}.");

    public static ServiceError RateLimited(int retryAfterSeconds) => new("rate_limited", StatusCodes.Status429TooManyRequests, "Too many requests.", $"Retry after {retryAfterSeconds} s.");
}
