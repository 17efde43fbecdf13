namespace Upres.Service.Accounts;

/// The only time the plain key exists outside the caller's hands.
public sealed record CreatedApiKey(string Id, string AccountId, string Key, string Prefix, DateTimeOffset CreatedAt);
