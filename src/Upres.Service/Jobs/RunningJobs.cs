using System.Collections.Concurrent;

namespace Upres.Service.Jobs;

/// The work this process is running per job (one run of a whole job, or several segments of one),
/// so a cancel reaches every engine CancellationToken at once instead of at the next heartbeat.
public sealed class RunningJobs
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<CancellationTokenSource, byte>> _running = new(StringComparer.Ordinal);

    public int Count => _running.Values.Sum(set => set.Count);

    public IDisposable Add(string jobId, CancellationTokenSource cts)
    {
        _running.GetOrAdd(jobId, _ => new()).TryAdd(cts, 0);
        return new Registration(this, jobId, cts);
    }

    public bool Cancel(string jobId)
    {
        if (!_running.TryGetValue(jobId, out var set) || set.IsEmpty)
        {
            return false;
        }

        foreach (var cts in set.Keys)
        {
            try
            {
                cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        return true;
    }

    private void Remove(string jobId, CancellationTokenSource cts)
    {
        if (_running.TryGetValue(jobId, out var set))
        {
            set.TryRemove(cts, out _);
            if (set.IsEmpty)
            {
                _running.TryRemove(new KeyValuePair<string, ConcurrentDictionary<CancellationTokenSource, byte>>(jobId, set));
            }
        }
    }

    private sealed class Registration(RunningJobs owner, string jobId, CancellationTokenSource cts) : IDisposable
    {
        public void Dispose() => owner.Remove(jobId, cts);
    }
}
