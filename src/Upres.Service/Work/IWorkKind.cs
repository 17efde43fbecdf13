namespace Upres.Service.Work;

/// A kind of claimable work: a whole job today, a segment of a long job next. A kind claims its own
/// rows (FOR UPDATE SKIP LOCKED on PostgreSQL) and hands back the claimed unit; the worker loop
/// runs it under a WorkLease and knows nothing else about it. See docs/service.md, "Adding a kind
/// of work".
public interface IWorkKind
{
    /// "job", "segment": written into the workers table as the worker's current work.
    string Name { get; }

    /// Lower runs first: a worker asks the kinds in this order and takes the first claim it gets.
    int Priority { get; }

    /// Claims one unit for this worker (the claim starts its lease), or null when there is none.
    Task<IClaimedWork?> TryClaimAsync(WorkerIdentity worker, TimeSpan lease, CancellationToken cancellationToken);
}
