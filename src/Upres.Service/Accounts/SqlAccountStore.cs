using Dapper;
using Microsoft.Extensions.Options;
using Upres.Service.Billing;
using Upres.Service.Data;
using Upres.Service.Storage;

namespace Upres.Service.Accounts;

public sealed class SqlAccountStore(
    IUpresDatabase db, TimeProvider clock, KnownApiKeys? knownKeys = null, IOptions<StorageSpaceOptions>? storageOptions = null, ApiKeyCache? keyCache = null) : IAccountStore
{
    private readonly KnownApiKeys _known = knownKeys ?? new KnownApiKeys();
    private readonly ApiKeyCache _cache = keyCache ?? ApiKeyCache.Off;
    private readonly long _defaultQuota = storageOptions?.Value.StorageQuotaBytes ?? new StorageSpaceOptions().StorageQuotaBytes;

    private const string AccountColumns =
        "id AS Id, name AS Name, balance AS Balance, reserved AS Reserved, webhook_secret AS WebhookSecret, created_at AS CreatedAt, storage_used AS StorageUsed, storage_quota AS StorageQuota";

    public async Task<Account> CreateAsync(string name, long credits, CancellationToken cancellationToken)
    {
        var id = Ids.New("acct");
        var now = clock.Ms();
        var secret = NewWebhookSecret();
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginWriteAsync(c, cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO accounts (id, name, balance, reserved, webhook_secret, created_at) VALUES (@id, @name, 0, 0, @secret, @now)",
            new { id, name, secret, now }, tx, cancellationToken: cancellationToken));
        if (credits != 0)
        {
            await CreditLedger.GrantAsync(c, tx, id, credits, "initial credits", now, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return new Account(id, name, credits, 0, secret, now.ToTime()) { Storage = StorageUsage.Of(0, null, _defaultQuota) };
    }

    public async Task<Account?> GetAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<AccountRow>(new CommandDefinition(
            $"SELECT {AccountColumns} FROM accounts WHERE id = @accountId", new { accountId }, cancellationToken: cancellationToken));
        return row?.ToAccount(_defaultQuota);
    }

    public async Task<Account?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.QueryFirstOrDefaultAsync<AccountRow>(new CommandDefinition(
            $"SELECT {AccountColumns} FROM accounts WHERE name = @name ORDER BY created_at, id", new { name }, cancellationToken: cancellationToken));
        return row?.ToAccount(_defaultQuota);
    }

    public async Task<CreatedApiKey?> CreateKeyAsync(string accountId, CancellationToken cancellationToken)
    {
        if (await GetAsync(accountId, cancellationToken) is null)
        {
            return null;
        }

        var key = "upr_" + Ids.Secret(32);
        var prefix = key[..10];
        var id = Ids.New("key");
        var now = clock.Ms();
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO api_keys (id, account_id, key_hash, prefix, created_at) VALUES (@id, @accountId, @hash, @prefix, @now)",
            new { id, accountId, hash = ApiKeyHash.Of(key), prefix, now }, cancellationToken: cancellationToken));
        _known.Add(ApiKeyHash.Of(key), accountId);
        return new CreatedApiKey(id, accountId, key, prefix, now.ToTime());
    }

    public async Task<Account?> AuthenticateAsync(string rawKey, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(rawKey) || rawKey.Length > 200)
        {
            return null;
        }

        return await AuthenticateHashAsync(ApiKeyHash.Of(rawKey.Trim()), cancellationToken);
    }

    public async Task<Account?> AuthenticateHashAsync(string keyHash, CancellationToken cancellationToken)
    {
        if (_cache.TryGet(keyHash, out var cached))
        {
            return cached;
        }

        var generation = _cache.Generation;
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<AccountRow>(new CommandDefinition(
            """
            SELECT a.id AS Id, a.name AS Name, a.balance AS Balance, a.reserved AS Reserved, a.webhook_secret AS WebhookSecret, a.created_at AS CreatedAt,
                   a.storage_used AS StorageUsed, a.storage_quota AS StorageQuota
            FROM api_keys k JOIN accounts a ON a.id = k.account_id
            WHERE k.key_hash = @hash AND k.revoked_at IS NULL
            """,
            new { hash = keyHash }, cancellationToken: cancellationToken));
        if (row is null)
        {
            _known.Remove(keyHash);
            return null;
        }

        _known.Add(keyHash, row.Id);
        var account = row.ToAccount(_defaultQuota);
        _cache.Add(keyHash, account, generation);
        return account;
    }

    public async Task<Account?> AddCreditsAsync(string accountId, long amount, string? note, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginWriteAsync(c, cancellationToken);
        var exists = await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM accounts WHERE id = @accountId", new { accountId }, tx, cancellationToken: cancellationToken));
        if (exists == 0)
        {
            return null;
        }

        try
        {
            await CreditLedger.GrantAsync(c, tx, accountId, amount, note, clock.Ms(), cancellationToken);
        }
        catch (InvalidOperationException)
        {
            return null;
        }

        await tx.CommitAsync(cancellationToken);
        return await GetAsync(accountId, cancellationToken);
    }

    public async Task<Account?> SetStorageQuotaAsync(string accountId, long? quotaBytes, CancellationToken cancellationToken)
    {
        await using (var c = await db.OpenAsync(cancellationToken))
        {
            var changed = await c.ExecuteAsync(new CommandDefinition(
                "UPDATE accounts SET storage_quota = @quotaBytes WHERE id = @accountId", new { accountId, quotaBytes }, cancellationToken: cancellationToken));
            if (changed == 0)
            {
                return null;
            }
        }

        return await GetAsync(accountId, cancellationToken);
    }

    public async Task<IReadOnlyList<ApiKeyInfo>?> ListKeysAsync(string accountId, CancellationToken cancellationToken)
    {
        if (await GetAsync(accountId, cancellationToken) is null)
        {
            return null;
        }

        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<KeyRow>(new CommandDefinition(
            "SELECT id AS Id, account_id AS AccountId, prefix AS Prefix, created_at AS CreatedAt, revoked_at AS RevokedAt FROM api_keys WHERE account_id = @accountId ORDER BY created_at DESC, id DESC",
            new { accountId }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new ApiKeyInfo(r.Id, r.AccountId, r.Prefix, r.CreatedAt.ToTime(), r.RevokedAt?.ToTime()))];
    }

    public async Task<bool> RevokeKeyAsync(string accountId, string keyId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var hash = await c.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT key_hash FROM api_keys WHERE id = @keyId AND account_id = @accountId", new { keyId, accountId }, cancellationToken: cancellationToken));
        if (hash is null)
        {
            return false;
        }

        _known.Remove(hash);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = @now WHERE id = @keyId AND account_id = @accountId AND revoked_at IS NULL",
            new { keyId, accountId, now = clock.Ms() }, cancellationToken: cancellationToken));
        _cache.Revoked(hash);
        return true;
    }

    public async Task<RotatedSecret?> RotateWebhookSecretAsync(string accountId, TimeSpan overlap, CancellationToken cancellationToken)
    {
        var secret = NewWebhookSecret();
        var until = clock.GetUtcNow() + overlap;
        await using var c = await db.OpenAsync(cancellationToken);
        var changed = await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE accounts SET previous_webhook_secret = webhook_secret, previous_secret_until = @until, webhook_secret = @secret
            WHERE id = @accountId
            """,
            new { accountId, secret, until = until.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return changed == 0 ? null : new RotatedSecret(secret, until);
    }

    public async Task<IReadOnlyList<LedgerEntry>> LedgerAsync(string accountId, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<LedgerRow>(new CommandDefinition(
            """
            SELECT id AS Id, job_id AS JobId, kind AS Kind, amount AS Amount, balance_after AS BalanceAfter,
                   reserved_after AS ReservedAfter, note AS Note, created_at AS CreatedAt
            FROM ledger WHERE account_id = @accountId ORDER BY id DESC LIMIT @limit
            """,
            new { accountId, limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new LedgerEntry(r.Id, r.JobId, r.Kind, r.Amount, r.BalanceAfter, r.ReservedAfter, r.Note, r.CreatedAt.ToTime()))];
    }

    private static string NewWebhookSecret() => "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private sealed class KeyRow
    {
        public string Id { get; set; } = "";
        public string AccountId { get; set; } = "";
        public string Prefix { get; set; } = "";
        public long CreatedAt { get; set; }
        public long? RevokedAt { get; set; }
    }

    private sealed class AccountRow
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public long Balance { get; set; }
        public long Reserved { get; set; }
        public string WebhookSecret { get; set; } = "";
        public long CreatedAt { get; set; }
        public long StorageUsed { get; set; }
        public long? StorageQuota { get; set; }

        public Account ToAccount(long defaultQuota) => new(Id, Name, Balance, Reserved, WebhookSecret, CreatedAt.ToTime())
        {
            Storage = StorageUsage.Of(StorageUsed, StorageQuota, defaultQuota),
        };
    }

    private sealed class LedgerRow
    {
        public long Id { get; set; }
        public string? JobId { get; set; }
        public string Kind { get; set; } = "";
        public long Amount { get; set; }
        public long BalanceAfter { get; set; }
        public long ReservedAfter { get; set; }
        public string? Note { get; set; }
        public long CreatedAt { get; set; }
    }
}
