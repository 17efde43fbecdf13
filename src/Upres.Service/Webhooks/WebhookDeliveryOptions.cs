using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Upres.Service.Webhooks;

/// How this process sends webhooks: how many at once, how many to one destination, how long one
/// attempt may take, and the first retry delay.
public sealed class WebhookDeliveryOptions
{
    /// Attempts in flight at once in this process, over every destination.
    [ConfigurationKeyName("UPRES_WEBHOOK_CONCURRENCY")]
    [Range(1, 1024)]
    public int Concurrency { get; set; } = 16;

    /// Attempts in flight at once to one destination (scheme, host and port), so a receiver that never
    /// answers holds this many slots and delays only its own messages.
    [ConfigurationKeyName("UPRES_WEBHOOK_PER_DESTINATION")]
    [Range(1, 1024)]
    public int PerDestination { get; set; } = 2;

    /// One attempt's deadline, connection to the response's headers.
    [ConfigurationKeyName("UPRES_WEBHOOK_TIMEOUT_SECONDS")]
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 15;

    /// First webhook retry delay; doubles per attempt up to 4 h, retried for a day.
    [ConfigurationKeyName("UPRES_WEBHOOK_RETRY_BASE_MS")]
    [Range(1, 3_600_000)]
    public int RetryBaseMilliseconds { get; set; } = 5000;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    public TimeSpan RetryBase => TimeSpan.FromMilliseconds(RetryBaseMilliseconds);
}
