using Upres.Service.Webhooks;

namespace Upres.Service.Jobs;

/// The owner cancelled it; nothing is charged.
public sealed record JobCancelled : JobEnd
{
    public const string Code = "cancelled";
    public const string Message = "The job was cancelled.";

    public override JobStatus Status => JobStatus.Cancelled;

    public override LedgerAction Ledger => LedgerAction.Release;

    public override string WebhookEvent => WebhookEvents.Cancelled;
}
