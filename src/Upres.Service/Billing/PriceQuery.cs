namespace Upres.Service.Billing;

/// What the price table is asked: how many seconds are billed, at which output size and frame rate,
/// with which model (for its multiplier). Model is the catalog model that runs ("none" for a
/// classical resize); null means "the catalog default", which is the default for Scale when given,
/// else the dearest of the defaults, so a job is never priced below what may run.
public sealed record PriceQuery(long BillableSeconds, int OutputWidth, int OutputHeight, double OutputFps, string? Model = null, int? Scale = null)
{
    /// Rounded up to whole seconds, at least 1 s.
    public static long BillableSecondsOf(TimeSpan duration) => Math.Max(1, (long)Math.Ceiling(Math.Round(duration.TotalSeconds, 6)));
}
