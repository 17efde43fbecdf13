using System.Net.Http.Headers;

namespace Upres.Service.Webhooks;

/// A dialect's own signature headers, added beside the Standard Webhooks ones when a message is
/// sent (kie.ai's X-Webhook-Timestamp and X-Webhook-Signature).
public interface IWebhookHeaderSigner
{
    /// The dialect whose messages this signer signs.
    string Dialect { get; }

    Task AddHeadersAsync(WebhookMessage message, long timestamp, HttpRequestHeaders headers, CancellationToken cancellationToken);
}
