namespace Upres.Engine.Benchmark;

/// One model's figures. The engine (Winograd) and the direct kernel run with one frame in flight
/// per thread, ms/frame being wall time / frames; the reference (ONNX Runtime, plain conversion)
/// runs frames one after another with its own intra-op threads. GFLOP/s and shares always count
/// the direct convolution's arithmetic (Cost), so the three are comparable; Winograd executes
/// only WinogradMacs of Cost.ConvMacs, which is why its share can pass 100%.
/// PSNRs compare each output with the reference's.
public sealed record ModelBenchmarkResult(
    string Model,
    int Width,
    int Height,
    ModelCost Cost,
    long WinogradMacs,
    string Parallelism,
    EngineFigures Engine,
    EngineFigures Direct,
    EngineFigures? Reference,
    double? PsnrVsReference,
    double? DirectPsnrVsReference)
{
    /// The share of peak the executed multiply-adds reach: how busy the FMA units really are.
    public double ExecutedShareOfPeak => Engine.ShareOfPeak * ((2.0 * WinogradMacs) + Cost.ElementwiseFlops) / Cost.Flops;
}

/// Shares are of the peak measured in the same run. CpuShareOfPeak divides GFLOP per CPU-second
/// of this process by the peak kernel's GFLOP per CPU-second: on a machine other work shares,
/// wall-clock shares measure the scheduler as much as the code, while this shows how well the
/// code uses the cycles it gets.
public sealed record EngineFigures(double MsPerFrame, double GflopsPerSecond, double ShareOfPeak, double CpuShareOfPeak);
