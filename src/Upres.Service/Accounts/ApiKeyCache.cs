using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Upres.Service.Accounts;

/// The accounts of recently authenticated key hashes, each trusted for UPRES_AUTH_CACHE_SECONDS, so
/// a client polling a job costs one query (the job) instead of two. A revocation in this process
/// drops the entry and bumps a generation that any authentication still in flight checks before it
/// caches, so a key read from the database just before its revocation is never cached after it.
public sealed class ApiKeyCache(IOptions<ApiKeyCacheOptions> options, TimeProvider clock)
{
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, Entry> _byHash = new(StringComparer.Ordinal);
    private readonly TimeSpan _ttl = TimeSpan.FromSeconds(options.Value.Seconds);
    private long _generation;

    /// A cache that never holds anything (stores made without one).
    public static ApiKeyCache Off { get; } = new(Options.Create(new ApiKeyCacheOptions { Seconds = 0 }), TimeProvider.System);

    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(string keyHash, out Account account)
    {
        if (_byHash.TryGetValue(keyHash, out var entry) && clock.GetTimestamp() < entry.ExpiresAt)
        {
            account = entry.Account;
            return true;
        }

        account = null!;
        return false;
    }

    /// Caches what the database answered, unless a key was revoked since `generation` was read.
    public void Add(string keyHash, Account account, long generation)
    {
        if (_ttl <= TimeSpan.Zero)
        {
            return;
        }

        if (_byHash.Count >= MaxEntries)
        {
            _byHash.Clear();
        }

        _byHash[keyHash] = new Entry(account, clock.GetTimestamp() + (long)(_ttl.TotalSeconds * clock.TimestampFrequency));
        if (Generation != generation)
        {
            _byHash.TryRemove(keyHash, out _);
        }
    }

    public void Revoked(string keyHash)
    {
        Interlocked.Increment(ref _generation);
        _byHash.TryRemove(keyHash, out _);
    }

    private sealed record Entry(Account Account, long ExpiresAt);
}
