using Upres.Engine.Inference.Compact;

namespace Upres.Engine.Benchmark;

/// One model's figures. Each engine algorithm runs with one frame in flight per thread,
/// ms/frame being wall time / frames; the reference (ONNX Runtime, plain conversion) runs frames
/// one after another with its own intra-op threads. GFLOP/s and shares always count the direct
/// convolution's arithmetic (Cost), so all rows are comparable; a Winograd algorithm executes
/// only its ExecutedMacs of Cost.ConvMacs, which is why its share can pass 100%.
public sealed record ModelBenchmarkResult(
    string Model,
    int Width,
    int Height,
    ModelCost Cost,
    string Parallelism,
    IReadOnlyList<AlgorithmResult> Algorithms,
    EngineFigures? Reference)
{
    /// The algorithm `upscale` runs, or the first one timed if that one was left out.
    public AlgorithmResult Engine => Algorithms.FirstOrDefault(a => a.Algorithm == CompactSrUpscaler.DefaultAlgorithm) ?? Algorithms[0];

    public AlgorithmResult? Of(ConvolutionAlgorithm algorithm) => Algorithms.FirstOrDefault(a => a.Algorithm == algorithm);
}

/// PsnrVsReference compares the output with the reference's.
public sealed record AlgorithmResult(ConvolutionAlgorithm Algorithm, long ExecutedMacs, EngineFigures Figures, double? PsnrVsReference)
{
    /// The share of peak the executed multiply-adds reach: how busy the FMA units really are.
    public double ExecutedShareOfPeak(ModelCost cost) => Figures.ShareOfPeak * ((2.0 * ExecutedMacs) + cost.ElementwiseFlops) / cost.Flops;
}

/// Shares are of the peak measured in the same run. CpuShareOfPeak divides GFLOP per CPU-second
/// of this process by the peak kernel's GFLOP per CPU-second: on a machine other work shares,
/// wall-clock shares measure the scheduler as much as the code, while this shows how well the
/// code uses the cycles it gets.
public sealed record EngineFigures(double MsPerFrame, double GflopsPerSecond, double ShareOfPeak, double CpuShareOfPeak);
