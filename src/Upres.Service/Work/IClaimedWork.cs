using Upres.Engine.Pipeline;
using Upres.Service.Jobs;

namespace Upres.Service.Work;

/// One claimed unit: the store side of its lease (each call fenced by Claim.Token) and the work.
public interface IClaimedWork
{
    WorkClaim Claim { get; }

    /// Extends the lease and persists the latest progress.
    Task<LeaseState> RenewAsync(TimeSpan lease, UpscaleProgress? progress, CancellationToken cancellationToken);

    /// Records where the attempt is in the unit's work and raises the unit's checkpoint to reached
    /// (WorkPlaces; fenced: false when the lease is gone).
    Task<bool> MarkPlaceAsync(long place, long reached, CancellationToken cancellationToken);

    /// Gives the unit back to the queue. countStrike false: not the unit's fault (the worker is
    /// stopping), so the attempt is not counted either.
    Task<bool> ReleaseAsync(bool countStrike, CancellationToken cancellationToken);

    /// Runs the unit to its fenced end. Every state change goes through lease.CommitAsync or
    /// lease.ReleaseAsync; lease.Token is cancelled when the lease is lost, the job is cancelled or
    /// the worker is stopping.
    Task RunAsync(WorkLease lease);
}
