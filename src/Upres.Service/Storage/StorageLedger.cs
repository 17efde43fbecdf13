using System.Data.Common;
using Dapper;
using Upres.Service.Problems;

namespace Upres.Service.Storage;

/// Every change to an account's stored bytes (accounts.storage_used), inside the caller's
/// transaction, beside the row that owns the bytes: an upload is counted in the transaction that
/// inserts it, a result in the one that completes its job, and both are released in the one that
/// marks their files deleted. A charge against the quota is one conditional UPDATE, so two uploads
/// racing for the last bytes cannot both pass (SQLite: one writer at a time; PostgreSQL: the row
/// lock re-evaluates the condition).
internal static class StorageLedger
{
    /// Adds the bytes unless they would take the account past its quota (the account's own, else
    /// defaultQuota; 0 is none). Throws storage_quota_exceeded when they would.
    public static async Task AddWithinQuotaAsync(DbConnection c, DbTransaction tx, string accountId, long bytes, long defaultQuota, CancellationToken ct)
    {
        var changed = await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE accounts SET storage_used = storage_used + @bytes
            WHERE id = @accountId AND (COALESCE(storage_quota, @defaultQuota) = 0 OR storage_used + @bytes <= COALESCE(storage_quota, @defaultQuota))
            """,
            new { accountId, bytes, defaultQuota }, tx, cancellationToken: ct));
        if (changed == 0)
        {
            var row = await c.QuerySingleAsync<(long Used, long? Quota)>(new CommandDefinition(
                "SELECT storage_used, storage_quota FROM accounts WHERE id = @accountId", new { accountId }, tx, cancellationToken: ct));
            throw new ServiceException(Errors.StorageQuotaExceeded(StorageUsage.Of(row.Used, row.Quota, defaultQuota), bytes));
        }
    }

    /// Adds bytes the account already has on disk (a finished job's result): counted even past the
    /// quota, which then refuses the account's next upload or job until files go.
    public static Task AddAsync(DbConnection c, DbTransaction tx, string accountId, long bytes, CancellationToken ct)
        => c.ExecuteAsync(new CommandDefinition(
            "UPDATE accounts SET storage_used = storage_used + @bytes WHERE id = @accountId", new { accountId, bytes }, tx, cancellationToken: ct));

    public static Task ReleaseAsync(DbConnection c, DbTransaction tx, string accountId, long bytes, CancellationToken ct)
        => c.ExecuteAsync(new CommandDefinition(
            "UPDATE accounts SET storage_used = CASE WHEN storage_used > @bytes THEN storage_used - @bytes ELSE 0 END WHERE id = @accountId",
            new { accountId, bytes }, tx, cancellationToken: ct));
}
