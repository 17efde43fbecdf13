namespace Upres.Service.Webhooks;

public sealed record WebhookMessage(
    string Id, string JobId, string AccountId, string Dialect, string EventType, string Url, string Payload, string ContentType,
    string Status, int Attempts, DateTimeOffset NextAttemptAt, int? LastStatusCode, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt)
{
    /// Scheme, host and port the per-destination limit counts (WebhookDestination); empty on rows
    /// written before it was stored.
    public string Destination { get; init; } = "";
}

public sealed record WebhookAttempt(int Attempt, DateTimeOffset At, int? StatusCode, string? Error, long DurationMs);

/// pending -> delivered | failed (gave up after a day) | disabled (the receiver answered 410) |
/// superseded (a progress event still waiting when its job ended).
public static class WebhookStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Disabled = "disabled";
    public const string Superseded = "superseded";
}
