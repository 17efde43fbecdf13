namespace Upres.Service.Tests.Infrastructure;

/// A fact that needs a real tmpfs (Tmpfs): skipped, with the reason, where none can be mounted.
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (Tmpfs.WhyUnavailable is { } why)
        {
            Skip = why;
        }
    }
}
