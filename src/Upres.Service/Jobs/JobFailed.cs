using Upres.Service.Webhooks;

namespace Upres.Service.Jobs;

/// The job could not be done; nothing is charged.
public sealed record JobFailed(string Code, string Message) : JobEnd
{
    public const string AttemptsExhausted = "attempts_exhausted";
    public const string ProcessingError = "processing_error";

    public override JobStatus Status => JobStatus.Failed;

    public override LedgerAction Ledger => LedgerAction.Release;

    public override string WebhookEvent => WebhookEvents.Failed;

    public string StoredMessage => Message.Length > 2000 ? Message[..2000] : Message;
}
