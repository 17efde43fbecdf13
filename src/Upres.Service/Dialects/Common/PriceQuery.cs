namespace Upres.Service.Dialects;

/// What the one price table is asked for a job: how many seconds are billed, at which output size
/// and frame rate. Each dialect decides the inputs by its vendor's rule (input vs processed
/// duration, nominal tier fps); the rate comes from the same table whatever the door.
public sealed record PriceQuery(long BillableSeconds, int OutputWidth, int OutputHeight, double OutputFps)
{
    /// Rounded up to whole seconds, at least 1 s: mingyan's documented rule and the service's own.
    public static long BillableSecondsOf(TimeSpan duration)
    {
        var seconds = (long)Math.Ceiling(Math.Round(duration.TotalSeconds, 6));
        return Math.Max(1, seconds);
    }
}
