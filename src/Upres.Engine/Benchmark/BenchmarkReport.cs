namespace Upres.Engine.Benchmark;

/// Peak is the mean of the peak measurements taken between the models, so that a machine
/// whose load changes during the run is compared with what it could do at about the same time.
public sealed record BenchmarkReport(PeakMeasurement Peak, double PeakGflopsPerCpuSecond, IReadOnlyList<ModelBenchmarkResult> Models);
