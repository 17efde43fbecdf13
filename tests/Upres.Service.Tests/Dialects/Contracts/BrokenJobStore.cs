using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Service.Jobs;
using Upres.Service.Work;

namespace Upres.Service.Tests.Dialects.Contracts;

/// A job store whose database is gone: every call throws, so a door's unexpected-failure answer
/// (500 in the vendor's shape) can be seen on a create that touches nothing else.
public sealed class BrokenJobStore : IJobStore
{
    private static Exception Gone() => new InvalidOperationException("the database is gone");

    public Task<(JobRecord Job, bool Inserted, string ExistingHash)> InsertAsync(JobRecord job, string requestHash, CancellationToken cancellationToken) => throw Gone();

    public Task<(JobRecord Job, string RequestHash)?> FindByIdempotencyKeyAsync(string accountId, string key, CancellationToken cancellationToken) => throw Gone();

    public Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken) => throw Gone();

    public Task<string?> NewestIdAsync(CancellationToken cancellationToken) => throw Gone();

    public Task<IReadOnlyList<JobRecord>> ListAsync(JobListQuery query, CancellationToken cancellationToken) => throw Gone();

    public Task<(JobRecord Job, WorkClaim Claim)?> ClaimNextAsync(WorkerIdentity worker, TimeSpan lease, CancellationToken cancellationToken) => throw Gone();

    public Task<LeaseState> HeartbeatAsync(string jobId, string leaseToken, TimeSpan lease, JobProgressUpdate? progress, CancellationToken cancellationToken) => throw Gone();

    public Task<bool> EndAsync(string jobId, string? leaseToken, JobEnd end, Action<JobRecord>? placeFiles, CancellationToken cancellationToken) => throw Gone();

    public Task<PrepareOutcome> SavePreparedAsync(string jobId, string leaseToken, MediaInfo probe, PlannedOutput plan, long price, double estimateSeconds, Action placeInput, CancellationToken cancellationToken) => throw Gone();

    public Task<bool> MarkPlaceAsync(string jobId, string leaseToken, long place, long reached, CancellationToken cancellationToken) => throw Gone();

    public Task<bool> ReleaseAsync(string jobId, string leaseToken, bool countStrike, CancellationToken cancellationToken) => throw Gone();

    public Task<JobRecord?> RequestCancelAsync(string jobId, CancellationToken cancellationToken) => throw Gone();

    public Task<bool> MarkDeletedAsync(string jobId, CancellationToken cancellationToken) => throw Gone();

    public Task MarkFilesDeletedAsync(string jobId, CancellationToken cancellationToken) => throw Gone();

    public Task<IReadOnlyList<JobRecord>> ExpiredFilesAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => throw Gone();

    public Task<IReadOnlyDictionary<JobStatus, long>> CountByStatusAsync(CancellationToken cancellationToken) => throw Gone();

    public Task EnqueueProgressEventAsync(string jobId, CancellationToken cancellationToken) => throw Gone();
}
