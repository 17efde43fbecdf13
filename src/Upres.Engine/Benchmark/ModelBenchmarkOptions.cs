namespace Upres.Engine.Benchmark;

/// Frames is per thread; Threads 0 means one per logical core.
public sealed record ModelBenchmarkOptions(int Width = 640, int Height = 360, int FramesPerThread = 2, int Threads = 0)
{
    public TimeSpan PeakDuration { get; init; } = TimeSpan.FromSeconds(2);
}
