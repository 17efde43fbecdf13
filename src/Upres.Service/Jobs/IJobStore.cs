using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Service.Work;

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

    /// The newest job's id, or null without jobs: the API's warm-up reads that job before it listens.
    Task<string?> NewestIdAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<JobRecord>> ListAsync(JobListQuery query, CancellationToken cancellationToken);

    /// Takes the oldest queued job, or a processing job whose lease expired, under a new lease held by
    /// this worker (FOR UPDATE SKIP LOCKED on PostgreSQL). A job whose dead attempts reached the limit
    /// is failed instead (attempts_exhausted, credits released).
    Task<(JobRecord Job, WorkClaim Claim)?> ClaimNextAsync(WorkerIdentity worker, TimeSpan lease, CancellationToken cancellationToken);

    /// Renews the lease and persists progress. Fenced.
    Task<LeaseState> HeartbeatAsync(string jobId, string leaseToken, TimeSpan lease, JobProgressUpdate? progress, CancellationToken cancellationToken);

    /// Ends the job as the typed end says (status, ledger action, webhook event) in one transaction.
    /// leaseToken: the holder's token; null for a job nobody holds (a queued cancel);
    /// SqlJobStore.ExpiredLease for a job whose holder died. placeFiles runs inside the transaction
    /// once the fence held (throwing rolls everything back). False: the fence refused, nothing changed.
    Task<bool> EndAsync(string jobId, string? leaseToken, JobEnd end, Action<JobRecord>? placeFiles, CancellationToken cancellationToken);

    /// The prepare stage's outcome, fenced: the plan and price are stored, the price is reserved (an
    /// estimate job reserves nothing) and placeInput puts the fetched input under its key, in one
    /// transaction. A short balance fails the job with insufficient_credits instead (nothing placed).
    Task<PrepareOutcome> SavePreparedAsync(string jobId, string leaseToken, MediaInfo probe, PlannedOutput plan, long price, double estimateSeconds, Action placeInput, CancellationToken cancellationToken);

    /// Records where the holding attempt is (WorkPlaces: place, 0 outside the job's own work) and
    /// raises the job's checkpoint to reached. Fenced: false when the lease is no longer the caller's.
    Task<bool> MarkPlaceAsync(string jobId, string leaseToken, long place, long reached, CancellationToken cancellationToken);

    /// Gives a job back to the queue (fenced). countStrike false: the worker is stopping, the attempt
    /// is not counted at all.
    Task<bool> ReleaseAsync(string jobId, string leaseToken, bool countStrike, CancellationToken cancellationToken);

    /// Cancels a queued job at once; marks a processing job for its worker. Returns the job after.
    Task<JobRecord?> RequestCancelAsync(string jobId, CancellationToken cancellationToken);

    Task<bool> MarkDeletedAsync(string jobId, CancellationToken cancellationToken);

    Task MarkFilesDeletedAsync(string jobId, CancellationToken cancellationToken);

    /// Finished jobs whose files are older than the cutoff and still on disk.
    Task<IReadOnlyList<JobRecord>> ExpiredFilesAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<JobStatus, long>> CountByStatusAsync(CancellationToken cancellationToken);

    Task EnqueueProgressEventAsync(string jobId, CancellationToken cancellationToken);
}
