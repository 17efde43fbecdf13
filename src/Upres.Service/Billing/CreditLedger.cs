using System.Data.Common;
using Dapper;

namespace Upres.Service.Billing;

/// Every credit movement, always inside the caller's transaction so that the job's state change and
/// its money move together. The unique indexes on ledger(job_id) make a second reserve or a second
/// settle (charge or release) for one job impossible, whatever retries or crashes happen; the CHECKs
/// on accounts keep the balance and the reservation non-negative.
internal static class CreditLedger
{
    public static async Task<bool> TryReserveAsync(DbConnection c, DbTransaction tx, string accountId, string jobId, long amount, long now, CancellationToken ct)
    {
        var row = await c.QuerySingleOrDefaultAsync<BalanceRow>(new CommandDefinition(
            "UPDATE accounts SET reserved = reserved + @amount WHERE id = @accountId AND balance - reserved >= @amount RETURNING balance, reserved",
            new { accountId, amount }, tx, cancellationToken: ct));
        if (row is null)
        {
            return false;
        }

        await InsertAsync(c, tx, accountId, jobId, "reserve", amount, row, null, now, ct);
        return true;
    }

    /// Charges a job's reservation. Returns false when the job was already settled.
    public static Task<bool> ChargeAsync(DbConnection c, DbTransaction tx, string accountId, string jobId, long amount, long now, CancellationToken ct)
        => SettleAsync(c, tx, accountId, jobId, amount, "charge",
            "UPDATE accounts SET balance = balance - @amount, reserved = reserved - @amount WHERE id = @accountId RETURNING balance, reserved", now, ct);

    public static Task<bool> ReleaseAsync(DbConnection c, DbTransaction tx, string accountId, string jobId, long amount, long now, CancellationToken ct)
        => SettleAsync(c, tx, accountId, jobId, amount, "release",
            "UPDATE accounts SET reserved = reserved - @amount WHERE id = @accountId RETURNING balance, reserved", now, ct);

    public static async Task<BalanceRow> GrantAsync(DbConnection c, DbTransaction tx, string accountId, long amount, string? note, long now, CancellationToken ct)
    {
        var row = await c.QuerySingleOrDefaultAsync<BalanceRow>(new CommandDefinition(
            "UPDATE accounts SET balance = balance + @amount WHERE id = @accountId AND balance + @amount >= reserved RETURNING balance, reserved",
            new { accountId, amount }, tx, cancellationToken: ct)) ?? throw new InvalidOperationException("grant would make the balance negative");
        await InsertAsync(c, tx, accountId, null, amount >= 0 ? "grant" : "debit", amount, row, note, now, ct);
        return row;
    }

    private static async Task<bool> SettleAsync(DbConnection c, DbTransaction tx, string accountId, string jobId, long amount, string kind, string sql, long now, CancellationToken ct)
    {
        // Claim the settle slot first: if it exists this job was settled and the balance must not move.
        var reserved = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM ledger WHERE job_id = @jobId AND kind IN ('charge', 'release')", new { jobId }, tx, cancellationToken: ct));
        var hasReservation = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM ledger WHERE job_id = @jobId AND kind = 'reserve'", new { jobId }, tx, cancellationToken: ct));
        if (reserved > 0 || hasReservation == 0)
        {
            return false;
        }

        var row = await c.QuerySingleAsync<BalanceRow>(new CommandDefinition(sql, new { accountId, amount }, tx, cancellationToken: ct));
        await InsertAsync(c, tx, accountId, jobId, kind, amount, row, null, now, ct);
        return true;
    }

    private static Task InsertAsync(DbConnection c, DbTransaction tx, string accountId, string? jobId, string kind, long amount, BalanceRow after, string? note, long now, CancellationToken ct)
        => c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ledger (account_id, job_id, kind, amount, balance_after, reserved_after, note, created_at)
            VALUES (@accountId, @jobId, @kind, @amount, @balance, @reserved, @note, @now)
            """,
            new { accountId, jobId, kind, amount, balance = after.Balance, reserved = after.Reserved, note, now }, tx, cancellationToken: ct));

    internal sealed class BalanceRow
    {
        public long Balance { get; set; }

        public long Reserved { get; set; }
    }
}
