using Upres.Service.Problems;
using Upres.Service.Work;

namespace Upres.Service.Hosting;

/// A background loop's view of a passing outage: the database unreachable or full, or the storage
/// disk full. Such a failure is retried, not a bug, so it is logged as one line without a stack
/// trace, at its start and then once a minute while it lasts, and its end is logged once.
internal sealed class Outage(TimeProvider clock)
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(1);
    private DateTimeOffset? _since;
    private DateTimeOffset _lastSaid;

    public static bool Is(Exception e) => WorkLease.IsTransient(e) || StorageFullHandler.Is(e);

    /// Whether this failure of the outage should be logged now.
    public bool Failed()
    {
        var now = clock.GetUtcNow();
        if (_since is null)
        {
            _since = now;
            _lastSaid = now;
            return true;
        }

        if (now - _lastSaid < Every)
        {
            return false;
        }

        _lastSaid = now;
        return true;
    }

    /// The outage's length when the first success after it ends one; null otherwise.
    public TimeSpan? Succeeded()
    {
        if (_since is not { } since)
        {
            return null;
        }

        _since = null;
        return clock.GetUtcNow() - since;
    }
}
