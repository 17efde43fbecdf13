using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Service.Billing;

namespace Upres.Service.Jobs;

/// What a door (native or a vendor dialect) decides about an input once it is on disk: its size
/// limit, the vendor's checks on the probed file, work before the run, and how the plan is billed.
/// The one place these run is the job's prepare stage in the worker (URL inputs) or the create
/// (uploads, already probed), so a request never downloads or transcodes.
public interface IIntakeRules
{
    /// "native" or the dialect name the rules belong to.
    string Dialect { get; }

    /// The most a fetched input may weigh; null: the service's UPRES_FETCH_MAX_MB.
    long? MaxInputBytes => null;

    /// A vendor's limits on the input, as the failure code and the sentence its clients read; null
    /// when the input is accepted.
    JobFailed? Check(JobRecord job, long sizeBytes, MediaInfo probe) => null;

    /// Work the door asks of the worker before the job runs, whatever its input (kokoon's
    /// use_trim_orig makes the range a new video). Runs on every attempt: it must be idempotent.
    Task BeforeRunAsync(JobRecord job, CancellationToken cancellationToken) => Task.CompletedTask;

    /// The bill for the planned output.
    PriceQuery PriceQueryFor(JobSpec spec, string? dialectData, PlannedOutput plan);
}
