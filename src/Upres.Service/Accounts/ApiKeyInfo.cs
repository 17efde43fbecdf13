using System.Text.Json.Serialization;

namespace Upres.Service.Accounts;

/// What may be shown about a key after it was created: never the key, only its first characters.
public sealed record ApiKeyInfo(
    string Id,
    [property: JsonPropertyName("account_id")] string AccountId,
    string Prefix,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("revoked_at")] DateTimeOffset? RevokedAt);
