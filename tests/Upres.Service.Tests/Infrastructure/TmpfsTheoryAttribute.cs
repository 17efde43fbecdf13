namespace Upres.Service.Tests.Infrastructure;

/// A theory that needs a real tmpfs (Tmpfs): skipped, with the reason, where none can be mounted.
public sealed class TmpfsTheoryAttribute : TheoryAttribute
{
    public TmpfsTheoryAttribute()
    {
        if (Tmpfs.WhyUnavailable is { } why)
        {
            Skip = why;
        }
    }
}
