using X86 = System.Runtime.Intrinsics.X86;

namespace Upres.Engine.Benchmark;

public sealed record CpuFeatures(int LogicalCores, string Model, bool Avx2, bool Fma, bool Avx512F, bool Avx10)
{
    public static CpuFeatures Detect()
    {
        var model = "unknown";
        try
        {
            model = File.ReadLines("/proc/cpuinfo")
                .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?
                .Split(':', 2)[1].Trim() ?? model;
        }
        catch (IOException)
        {
        }

        return new CpuFeatures(
            Environment.ProcessorCount, model, X86.Avx2.IsSupported, X86.Fma.IsSupported,
            X86.Avx512F.IsSupported, X86.Avx10v1.IsSupported);
    }
}
