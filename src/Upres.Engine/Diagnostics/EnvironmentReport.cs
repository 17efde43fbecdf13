namespace Upres.Engine.Diagnostics;

public static class EnvironmentReport
{
    public static Task<IReadOnlyList<EnvironmentCheck>> CollectAsync(CancellationToken cancellationToken)
    {
        var cpu = Benchmark.CpuFeatures.Detect();
        IReadOnlyList<EnvironmentCheck> checks =
        [
            new("cpu", true, $"{cpu.Model}, {cpu.LogicalCores} cores, AVX2 {cpu.Avx2}, FMA {cpu.Fma}, AVX-512 {cpu.Avx512F}"),
        ];
        return Task.FromResult(checks);
    }
}
