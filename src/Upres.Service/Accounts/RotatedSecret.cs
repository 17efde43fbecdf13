using System.Text.Json.Serialization;

namespace Upres.Service.Accounts;

/// The new webhook secret, and until when the previous one still signs beside it.
public sealed record RotatedSecret(
    [property: JsonPropertyName("webhook_secret")] string WebhookSecret,
    [property: JsonPropertyName("previous_secret_valid_until")] DateTimeOffset PreviousSecretValidUntil);
