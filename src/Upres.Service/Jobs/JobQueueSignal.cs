namespace Upres.Service.Jobs;

/// Wakes idle workers in this process when a job is queued, so they need not wait for the next poll.
/// Workers in other processes (a shared PostgreSQL) still find the job by polling.
public sealed class JobQueueSignal
{
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);

    public void Notify()
    {
        if (_signal.CurrentCount < 64)
        {
            _signal.Release();
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
