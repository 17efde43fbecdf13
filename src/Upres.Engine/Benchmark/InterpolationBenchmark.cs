using System.Diagnostics;
using Upres.Engine.Imaging;
using Upres.Engine.Inference;
using Upres.Engine.Interpolation;

namespace Upres.Engine.Benchmark;

/// How fast RIFE makes in-between frames here: ms per interpolated frame at a size, on ONNX
/// Runtime's CPU provider with one intra-op thread per core (after one warm-up frame).
public static class InterpolationBenchmark
{
    public sealed record Result(int Width, int Height, int Frames, double MsPerFrame)
    {
        public double FramesPerSecond => 1000 / MsPerFrame;
    }

    public static async Task<Result> RunAsync(UpresPaths paths, int width, int height, int frames, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        var options = InferenceOptions.Default with { IntraOpThreads = Environment.ProcessorCount };
        using var interpolator = await FrameInterpolator.OpenAsync(paths, options, cancellationToken).ConfigureAwait(false);
        var first = Pattern(width, height, 1);
        var second = Pattern(width, height, 2);
        interpolator.Interpolate(first, second, 0.5, cancellationToken);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < frames; i++)
        {
            interpolator.Interpolate(first, second, (i + 1.0) / (frames + 1), cancellationToken);
        }

        return new Result(width, height, frames, clock.Elapsed.TotalMilliseconds / frames);
    }

    private static PlanarImage Pattern(int width, int height, int seed)
    {
        var image = new PlanarImage(width, height);
        var random = new Random(seed);
        for (var i = 0; i < image.Data.Length; i++)
        {
            image.Data[i] = (float)random.NextDouble();
        }

        return image;
    }
}
