using Upres.Service.Webhooks;

namespace Upres.Service.Jobs;

/// An estimate job's end: its plan and price are stored, nothing was reserved and nothing is charged.
public sealed record JobEstimated : JobEnd
{
    public override JobStatus Status => JobStatus.Completed;

    public override LedgerAction Ledger => LedgerAction.Release;

    // An estimate takes no webhook_url, so nothing is sent.
    public override string WebhookEvent => WebhookEvents.Completed;
}
