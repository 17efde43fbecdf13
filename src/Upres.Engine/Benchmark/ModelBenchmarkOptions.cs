using Upres.Engine.Inference.Compact;

namespace Upres.Engine.Benchmark;

/// FramesPerThread: frames each thread upscales in the timed part; Threads 0 means one per
/// logical core. Bands times one frame at a time split across the threads (latency of a single
/// image) instead of one frame in flight per thread (throughput of a video pipeline).
/// Algorithms: the engine's convolution algorithms to time (default: the default one and Direct).
public sealed record ModelBenchmarkOptions(int Width = 640, int Height = 360, int FramesPerThread = 2, int Threads = 0, bool Bands = false)
{
    public IReadOnlyList<ConvolutionAlgorithm> Algorithms { get; init; } = [CompactSrUpscaler.DefaultAlgorithm, ConvolutionAlgorithm.Direct];

    public TimeSpan PeakDuration { get; init; } = TimeSpan.FromSeconds(2);
}
