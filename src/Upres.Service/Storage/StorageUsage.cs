using System.Text.Json.Serialization;

namespace Upres.Service.Storage;

/// What an account keeps on the storage root against its quota. QuotaBytes null: no quota.
/// QuotaOverridden: the admin set this account's quota (else UPRES_STORAGE_QUOTA_MB applies).
public sealed record StorageUsage(
    [property: JsonPropertyName("used_bytes")] long UsedBytes,
    [property: JsonPropertyName("quota_bytes")] long? QuotaBytes,
    [property: JsonPropertyName("quota_overridden")] bool QuotaOverridden)
{
    public static readonly StorageUsage None = new(0, null, false);

    /// Bytes the account may still store; null when it has no quota.
    [JsonPropertyName("available_bytes")]
    public long? AvailableBytes => QuotaBytes is { } quota ? Math.Max(0, quota - UsedBytes) : null;

    /// The effective quota from the account's own (null: the default; 0: none) and the default (0: none).
    public static StorageUsage Of(long usedBytes, long? accountQuota, long defaultQuota)
    {
        var quota = accountQuota ?? defaultQuota;
        return new StorageUsage(usedBytes, quota > 0 ? quota : null, accountQuota is not null);
    }
}
