using System.Collections.Concurrent;

namespace Upres.Service.Jobs;

/// The jobs this process is running, so a cancel reaches the engine's CancellationToken at once.
public sealed class RunningJobs
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    public int Count => _running.Count;

    public void Add(string jobId, CancellationTokenSource cts) => _running[jobId] = cts;

    public void Remove(string jobId) => _running.TryRemove(jobId, out _);

    public bool Cancel(string jobId)
    {
        if (!_running.TryGetValue(jobId, out var cts))
        {
            return false;
        }

        try
        {
            cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        return true;
    }
}
