using Upres.Engine.Pipeline;
using Upres.Service.Billing;

namespace Upres.Service.Jobs;

/// The native API's rules: the planned output's duration, size and frame rate, with the model that runs.
public sealed class NativeIntakeRules : IIntakeRules
{
    public string Dialect => "native";

    public PriceQuery PriceQueryFor(JobSpec spec, string? dialectData, PlannedOutput plan)
        => new(PriceQuery.BillableSecondsOf(plan.Duration), plan.Width, plan.Height, plan.FrameRate,
            spec.UseSr ? spec.Model : Upres.Engine.UpscaleEngine.NoSuperResolution, spec.Scale);
}
