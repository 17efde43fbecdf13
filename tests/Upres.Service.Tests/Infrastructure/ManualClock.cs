namespace Upres.Service.Tests.Infrastructure;

/// A TimeProvider the test moves by hand, for lease expiry.
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
