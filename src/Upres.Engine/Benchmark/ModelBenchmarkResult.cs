namespace Upres.Engine.Benchmark;

/// One model's figures. The engine's ms/frame is throughput (wall time / frames) with one frame
/// in flight per thread; the reference (ONNX Runtime, plain conversion) runs frames one after
/// another with its own intra-op threads. Shares are of the peak measured in the same run.
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
    double? PsnrVsReference);
