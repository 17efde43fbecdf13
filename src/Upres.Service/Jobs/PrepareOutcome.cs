namespace Upres.Service.Jobs;

/// What the prepare stage's fenced write did.
public enum PrepareOutcome
{
    /// Plan and price stored, credits reserved, input placed: the job runs.
    Prepared,

    /// The balance was short: the job failed with insufficient_credits in the same transaction.
    InsufficientCredits,

    /// The lease was no longer this attempt's: nothing changed.
    Lost,
}
