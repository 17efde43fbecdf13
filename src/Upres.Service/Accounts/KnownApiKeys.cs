using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Hosting;
using Upres.Service.Data;

namespace Upres.Service.Accounts;

/// Which account each live key hash belongs to, in memory, so the rate limiter can count a request
/// against its account before the request is authenticated (whatever spelling of the header carried
/// the key), and can tell a key it has never seen (most likely a guess) from a real one without a
/// database lookup. This map only chooses the bucket; authentication asks the database (or
/// ApiKeyCache, for at most UPRES_AUTH_CACHE_SECONDS).
public sealed class KnownApiKeys
{
    private const int MaxEntries = 1_000_000;
    private readonly ConcurrentDictionary<string, string> _accountByHash = new(StringComparer.Ordinal);

    public bool TryGetAccount(string keyHash, out string accountId) => _accountByHash.TryGetValue(keyHash, out accountId!);

    public void Add(string keyHash, string accountId)
    {
        if (_accountByHash.Count >= MaxEntries)
        {
            _accountByHash.Clear();
        }

        _accountByHash[keyHash] = accountId;
    }

    public void Remove(string keyHash) => _accountByHash.TryRemove(keyHash, out _);

    /// Loads every live key at start (after the migrations, which are registered before it).
    public sealed class Loader(IUpresDatabase db, KnownApiKeys keys) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var c = await db.OpenAsync(cancellationToken);
            var rows = await c.QueryAsync<(string Hash, string AccountId)>(new CommandDefinition(
                "SELECT key_hash, account_id FROM api_keys WHERE revoked_at IS NULL", cancellationToken: cancellationToken));
            foreach (var (hash, accountId) in rows)
            {
                keys.Add(hash, accountId);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
