namespace Upres.Service.Billing;

/// What the price table is asked: how many seconds are billed, at which output size and frame rate,
/// with which model (for a per-model multiplier).
public sealed record PriceQuery(long BillableSeconds, int OutputWidth, int OutputHeight, double OutputFps, string? Model = null)
{
    /// Rounded up to whole seconds, at least 1 s.
    public static long BillableSecondsOf(TimeSpan duration) => Math.Max(1, (long)Math.Ceiling(Math.Round(duration.TotalSeconds, 6)));
}
