namespace Upres.Service.Webhooks;

public interface IWebhookStore
{
    /// Messages that may be sent now, oldest due first: pending, due, not being sent, and the oldest
    /// unsent message of their job with none of the job's messages in flight, so a job's events
    /// arrive in the order they were written. Destinations in `busy` are left out.
    Task<IReadOnlyList<WebhookMessage>> DueAsync(IReadOnlyCollection<string> busy, int limit, CancellationToken cancellationToken);

    /// Marks the message as being sent until `hold` from now, so no other dispatcher takes it and the
    /// job's later messages wait. Null when another dispatcher took it first.
    Task<WebhookMessage?> ClaimAsync(string messageId, TimeSpan hold, CancellationToken cancellationToken);

    /// Ends a claim without an attempt (the dispatcher stopped before it sent).
    Task ReleaseAsync(string messageId, CancellationToken cancellationToken);

    /// Records an attempt and ends the claim. `body`: what was sent (a completed job's result link is
    /// signed afresh for each attempt). A message superseded while in flight stays superseded unless
    /// this attempt delivered it.
    Task RecordAttemptAsync(WebhookMessage message, WebhookAttempt attempt, string body, string status, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken);

    Task<IReadOnlyList<(WebhookMessage Message, IReadOnlyList<WebhookAttempt> Attempts)>> ForJobAsync(string jobId, CancellationToken cancellationToken);

    /// The secrets that sign a message sent now: the account's current one, and the previous one while
    /// its overlap after a rotation lasts. Empty for an unknown account.
    Task<IReadOnlyList<string>> SecretsAsync(string accountId, DateTimeOffset now, CancellationToken cancellationToken);
}
