namespace Upres.Service.Jobs;

/// Jobs and their leases. Every state change that ends a job moves its credits and writes its
/// webhook messages in the same transaction.
public interface IJobStore
{
    /// Inserts the job and reserves its price. Returns the existing job when the idempotency key was
    /// used before (the caller compares request hashes). Throws ServiceException(insufficient_credits).
    Task<(JobRecord Job, bool Inserted, string ExistingHash)> InsertAsync(JobRecord job, string requestHash, CancellationToken cancellationToken);

    Task<(JobRecord Job, string RequestHash)?> FindByIdempotencyKeyAsync(string accountId, string key, CancellationToken cancellationToken);

    Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken);

    Task<IReadOnlyList<JobRecord>> ListAsync(JobListQuery query, CancellationToken cancellationToken);

    /// Takes the oldest queued job, or a processing job whose lease expired, under a new lease.
    Task<(JobRecord Job, string LeaseToken)?> ClaimNextAsync(TimeSpan lease, CancellationToken cancellationToken);

    Task<LeaseState> HeartbeatAsync(string jobId, string leaseToken, TimeSpan lease, JobProgressUpdate? progress, CancellationToken cancellationToken);

    Task<bool> CompleteAsync(string jobId, string leaseToken, JobResult result, CancellationToken cancellationToken);

    Task<bool> FailAsync(string jobId, string? leaseToken, string code, string message, CancellationToken cancellationToken);

    /// Ends a processing job as cancelled after its worker stopped (leaseToken) .
    Task<bool> FinishCancelledAsync(string jobId, string leaseToken, CancellationToken cancellationToken);

    /// Gives a job back to the queue (graceful shutdown, a transient error). refundAttempt: do not count this attempt.
    Task<bool> RequeueAsync(string jobId, string leaseToken, bool refundAttempt, CancellationToken cancellationToken);

    /// Cancels a queued job at once; marks a processing job for its worker. Returns the job after.
    Task<JobRecord?> RequestCancelAsync(string jobId, CancellationToken cancellationToken);

    Task<bool> MarkDeletedAsync(string jobId, CancellationToken cancellationToken);

    Task MarkFilesDeletedAsync(string jobId, CancellationToken cancellationToken);

    /// Finished jobs whose files are older than the cutoff and still on disk.
    Task<IReadOnlyList<JobRecord>> ExpiredFilesAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<JobStatus, long>> CountByStatusAsync(CancellationToken cancellationToken);

    Task EnqueueProgressEventAsync(string jobId, CancellationToken cancellationToken);
}
