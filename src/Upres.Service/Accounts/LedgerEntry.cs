namespace Upres.Service.Accounts;

public sealed record LedgerEntry(long Id, string? JobId, string Kind, long Amount, long BalanceAfter, long ReservedAfter, string? Note, DateTimeOffset CreatedAt);
