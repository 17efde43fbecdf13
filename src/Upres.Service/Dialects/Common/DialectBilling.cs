using Upres.Engine.Pipeline;
using Upres.Service.Billing;
using Upres.Service.Jobs;

namespace Upres.Service.Dialects;

/// The vendors' billing rules as PriceQueries on the core's PlannedOutput; the credits always come
/// from the one PriceTable, so a job costs the same at every door that bills the same thing.
public static class DialectBilling
{
    /// kokoon, kie.ai, HitPaw: the processed duration (the trimmed range or preview; the whole input
    /// otherwise), rounded up to whole seconds with 1 s minimum, at the planned output size and
    /// frame rate. The same rule as the native API.
    public static Func<PlannedOutput, PriceQuery> ByDuration(string? model) =>
        plan => new PriceQuery(PriceQuery.BillableSecondsOf(plan.Duration), plan.Width, plan.Height, plan.FrameRate, model);

    /// mingyan: per input second (a mingyan job is never trimmed, so that is the planned duration),
    /// at the tier's output size and the frame rate the tier bills for the planned output rate.
    public static Func<PlannedOutput, PriceQuery> ByTier(Func<double, double> billedFps, string? model) =>
        plan => new PriceQuery(PriceQuery.BillableSecondsOf(plan.Duration), plan.Width, plan.Height, billedFps(plan.FrameRate), model);
}
