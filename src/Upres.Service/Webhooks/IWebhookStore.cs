namespace Upres.Service.Webhooks;

public interface IWebhookStore
{
    /// Takes one due message and pushes its next attempt time out by `hold`, so other dispatchers
    /// leave it alone while this one sends it.
    Task<WebhookMessage?> ClaimDueAsync(TimeSpan hold, CancellationToken cancellationToken);

    Task RecordAttemptAsync(WebhookMessage message, WebhookAttempt attempt, string status, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken);

    Task<IReadOnlyList<(WebhookMessage Message, IReadOnlyList<WebhookAttempt> Attempts)>> ForJobAsync(string jobId, CancellationToken cancellationToken);

    /// The signing secret of the message's account.
    Task<string?> SecretAsync(string accountId, CancellationToken cancellationToken);
}
