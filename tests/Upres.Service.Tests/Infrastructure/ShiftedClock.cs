namespace Upres.Service.Tests.Infrastructure;

/// The real clock, running, that a test can move forward (a retry sent hours after its message was
/// written) while timers and delays stay real.
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
