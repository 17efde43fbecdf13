namespace Upres.Service.Jobs;

/// How a job ends, as a type that carries what the end means: the status it leaves, what happens to
/// its reserved credits and the webhook event it sends. IJobStore.EndAsync applies one in one
/// transaction, fenced by the lease token.
public abstract record JobEnd
{
    private protected JobEnd()
    {
    }

    public abstract JobStatus Status { get; }

    public abstract LedgerAction Ledger { get; }

    public abstract string WebhookEvent { get; }
}

/// What an end does with the job's reservation.
public enum LedgerAction { Charge, Release }
