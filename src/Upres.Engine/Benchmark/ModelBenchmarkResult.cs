namespace Upres.Engine.Benchmark;

/// One model's figures. The engine's ms/frame is throughput (wall time / frames) with one frame
/// in flight per thread; the reference (ONNX Runtime, plain conversion) runs frames one after
/// another with its own intra-op threads. Shares are of the peak measured in the same run.
/// The Cpu shares divide GFLOP per CPU-second of this process by the peak kernel's GFLOP per
/// CPU-second: on a machine other work shares, wall-clock shares measure the scheduler as much as
/// the code, while these show how well the code uses the cycles it gets.
public sealed record ModelBenchmarkResult(
    string Model,
    int Width,
    int Height,
    ModelCost Cost,
    string Parallelism,
    double MsPerFrame,
    double GflopsPerSecond,
    double ShareOfPeak,
    double? ReferenceMsPerFrame,
    double? ReferenceGflopsPerSecond,
    double? ReferenceShareOfPeak,
    double? PsnrVsReference,
    double CpuShareOfPeak,
    double? ReferenceCpuShareOfPeak);
