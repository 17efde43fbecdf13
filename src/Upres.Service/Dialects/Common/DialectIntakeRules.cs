using Upres.Engine.Pipeline;
using Upres.Service.Billing;
using Upres.Service.Jobs;

namespace Upres.Service.Dialects;

/// The rules every door that bills the processed duration shares (kokoon, kie.ai, HitPaw); each
/// dialect adds its limits on the fetched input.
public abstract class DialectIntakeRules : IIntakeRules
{
    public const string InputRejected = "input_rejected";

    public abstract string Dialect { get; }

    public virtual long? MaxInputBytes => null;

    public virtual JobFailed? Check(JobRecord job, long sizeBytes, Upres.Engine.Media.MediaInfo probe) => null;

    public virtual Task BeforeRunAsync(JobRecord job, CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual PriceQuery PriceQueryFor(JobSpec spec, string? dialectData, PlannedOutput plan) => DialectBilling.ByDuration(spec.Model)(plan);

    /// A vendor's refusal of the input, kept on the failed job in its words.
    protected static JobFailed? Failed(DialectProblem? problem) => problem is null ? null : new JobFailed(InputRejected, problem.Message);
}
