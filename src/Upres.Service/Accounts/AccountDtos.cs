using System.Text.Json.Serialization;
using Upres.Service.Storage;

namespace Upres.Service.Accounts;

public sealed record CreateAccountBody(string? Name, long? Credits);

public sealed record AddCreditsBody(long? Amount, string? Note);

public sealed record AccountView(
    string Id,
    string Name,
    long Balance,
    long Reserved,
    long Available,
    [property: JsonPropertyName("webhook_secret")] string WebhookSecret,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    StorageUsage Storage)
{
    public static AccountView From(Account a) => new(a.Id, a.Name, a.Balance, a.Reserved, a.Available, a.WebhookSecret, a.CreatedAt, a.Storage);
}

/// The admin's storage quota for one account: bytes, 0 for none, null to fall back to UPRES_STORAGE_QUOTA_MB.
public sealed record StorageQuotaBody([property: JsonPropertyName("quota_bytes")] long? QuotaBytes);

public sealed record ApiKeyView(string Id, [property: JsonPropertyName("account_id")] string AccountId, string Key, string Prefix, [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt);

public sealed record AccountWithLedger(AccountView Account, IReadOnlyList<LedgerEntry> Ledger);

public sealed record QuickStartBody(string? Name, long? Credits);

/// An account and a fresh key for it, made in one call from the admin key (the page's first-run sign-in).
public sealed record QuickStartView(AccountView Account, ApiKeyView Key, bool Created);
