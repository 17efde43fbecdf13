namespace Upres.Service.Accounts;

public interface IAccountStore
{
    Task<Account> CreateAsync(string name, long credits, CancellationToken cancellationToken);

    Task<Account?> GetAsync(string accountId, CancellationToken cancellationToken);

    /// The oldest account with exactly this name, or null.
    Task<Account?> FindByNameAsync(string name, CancellationToken cancellationToken);

    Task<CreatedApiKey?> CreateKeyAsync(string accountId, CancellationToken cancellationToken);

    /// The account a raw API key belongs to, or null for an unknown or revoked key.
    Task<Account?> AuthenticateAsync(string rawKey, CancellationToken cancellationToken);

    /// The same for a key already hashed (ApiKeyHash.ForRequest). A key authenticated within
    /// UPRES_AUTH_CACHE_SECONDS is answered from memory; one revoked through this process never is.
    Task<Account?> AuthenticateHashAsync(string keyHash, CancellationToken cancellationToken);

    /// Adds (or, negative, removes) credits. Null when the account does not exist or the result would
    /// leave less than what is reserved.
    Task<Account?> AddCreditsAsync(string accountId, long amount, string? note, CancellationToken cancellationToken);

    /// Sets the account's own storage quota in bytes (0: none; null: back to UPRES_STORAGE_QUOTA_MB).
    /// Null for an unknown account.
    Task<Account?> SetStorageQuotaAsync(string accountId, long? quotaBytes, CancellationToken cancellationToken);

    /// The account's keys (never the key itself: only its prefix), newest first; null for an unknown account.
    Task<IReadOnlyList<ApiKeyInfo>?> ListKeysAsync(string accountId, CancellationToken cancellationToken);

    /// Revokes one of the account's keys (from then on it authenticates nowhere); false when the
    /// account has no such key. Revoking a revoked key changes nothing.
    Task<bool> RevokeKeyAsync(string accountId, string keyId, CancellationToken cancellationToken);

    /// A new webhook secret; the old one keeps signing beside it until `overlap` has passed, so
    /// receivers can switch without losing a message. Null for an unknown account.
    Task<RotatedSecret?> RotateWebhookSecretAsync(string accountId, TimeSpan overlap, CancellationToken cancellationToken);

    Task<IReadOnlyList<LedgerEntry>> LedgerAsync(string accountId, int limit, CancellationToken cancellationToken);
}
