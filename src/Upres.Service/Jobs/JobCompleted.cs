using Upres.Service.Webhooks;

namespace Upres.Service.Jobs;

/// The output is placed under its key and the reservation is charged.
public sealed record JobCompleted(JobResult Result) : JobEnd
{
    public override JobStatus Status => JobStatus.Completed;

    public override LedgerAction Ledger => LedgerAction.Charge;

    public override string WebhookEvent => WebhookEvents.Completed;
}
