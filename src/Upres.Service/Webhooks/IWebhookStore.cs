namespace Upres.Service.Webhooks;

public interface IWebhookStore
{
    /// Takes one due message and pushes its next attempt time out by `hold`, so other dispatchers
    /// leave it alone while this one sends it.
    Task<WebhookMessage?> ClaimDueAsync(TimeSpan hold, CancellationToken cancellationToken);

    Task RecordAttemptAsync(WebhookMessage message, WebhookAttempt attempt, string status, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken);

    Task<IReadOnlyList<(WebhookMessage Message, IReadOnlyList<WebhookAttempt> Attempts)>> ForJobAsync(string jobId, CancellationToken cancellationToken);

    /// The signing secret of the message's account.
    /// The secrets that sign a message sent now: the account's current one, and the previous one while
    /// its overlap after a rotation lasts. Empty for an unknown account.
    Task<IReadOnlyList<string>> SecretsAsync(string accountId, DateTimeOffset now, CancellationToken cancellationToken);
}
