namespace Upres.Service.Jobs;

/// The one signal job event streams wait on, instead of each polling the database: a job id is
/// published when the job changed (a write in this process, a PostgreSQL NOTIFY from any process, or
/// the SQLite change poll that finds other processes' writes). Only watched jobs cost anything.
public sealed class JobChanges
{
    private readonly Dictionary<string, Signal> _watches = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// Jobs with at least one open stream.
    public int WatchedCount
    {
        get
        {
            lock (_gate)
            {
                return _watches.Count;
            }
        }
    }

    public void Publish(string jobId)
    {
        Signal? watch;
        lock (_gate)
        {
            _watches.TryGetValue(jobId, out watch);
        }

        watch?.Pulse();
    }

    /// Wakes every stream (after a lost PostgreSQL connection, when notifications may have been missed).
    public void PublishAll()
    {
        Signal[] all;
        lock (_gate)
        {
            all = [.. _watches.Values];
        }

        foreach (var w in all)
        {
            w.Pulse();
        }
    }

    /// Starts watching a job; dispose to stop. Take `Next` before reading the job, then wait on it:
    /// a change between the read and the wait is never missed.
    public JobWatch Watch(string jobId)
    {
        lock (_gate)
        {
            if (!_watches.TryGetValue(jobId, out var watch))
            {
                _watches[jobId] = watch = new Signal();
            }

            watch.Subscribers++;
            return new JobWatch(this, jobId, watch);
        }
    }

    private void Unwatch(string jobId, Signal watch)
    {
        lock (_gate)
        {
            if (--watch.Subscribers == 0)
            {
                _watches.Remove(jobId);
            }
        }
    }

    public sealed class JobWatch : IDisposable
    {
        private readonly JobChanges _owner;
        private readonly string _jobId;
        private readonly Signal _watch;
        private int _disposed;

        internal JobWatch(JobChanges owner, string jobId, Signal watch)
        {
            _owner = owner;
            _jobId = jobId;
            _watch = watch;
        }

        /// Completes at the job's next change.
        public Task Next => _watch.Next;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _owner.Unwatch(_jobId, _watch);
            }
        }
    }

    internal sealed class Signal
    {
        private readonly Lock _gate = new();
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Subscribers { get; set; }

        public Task Next
        {
            get
            {
                lock (_gate)
                {
                    return _next.Task;
                }
            }
        }

        public void Pulse()
        {
            TaskCompletionSource fired;
            lock (_gate)
            {
                fired = _next;
                _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            fired.TrySetResult();
        }
    }
}
