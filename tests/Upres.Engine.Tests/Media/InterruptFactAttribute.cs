namespace Upres.Tests;

/// A fact about stopping a child process with SIGINT. Skipped, with the reason, where this test
/// process was started with SIGINT ignored (under nohup, or as a background job of a script): its
/// children inherit that, and no SIGINT can stop them. (Linked into Upres.Cli.Tests too.)
public sealed class InterruptFactAttribute : FactAttribute
{
    public InterruptFactAttribute()
    {
        if (InterruptIgnored())
        {
            Skip = "SIGINT is ignored in this test process (started under nohup or as a script's background job) and its children inherit that: run the tests from a terminal, CI or a job-control shell";
        }
    }

    private static bool InterruptIgnored()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        const ulong SigintBit = 1UL << (2 - 1);
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & SigintBit) != 0;
    }
}
