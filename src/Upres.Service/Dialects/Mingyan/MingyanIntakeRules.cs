using Upres.Engine.Pipeline;
using Upres.Service.Billing;
using Upres.Service.Jobs;

namespace Upres.Service.Dialects.Mingyan;

/// mingyan bills per input second at its tier's size and nominal frame rate.
public sealed class MingyanIntakeRules : DialectIntakeRules
{
    public override string Dialect => MingyanDialect.Name;

    public override PriceQuery PriceQueryFor(JobSpec spec, string? dialectData, PlannedOutput plan)
    {
        var data = dialectData is null ? null : DialectJson.Deserialize<MingyanJobData>(dialectData);
        var model = (data is null ? null : MingyanModel.Find(data.Model))
            ?? throw new InvalidOperationException("a mingyan job without its model");
        return MingyanDialect.Billing(model)(plan);
    }
}
