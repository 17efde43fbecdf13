using System.Diagnostics;
using Upres.Engine.Imaging;
using Upres.Engine.Inference;
using Upres.Engine.Inference.Gpu;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Benchmark;

/// One model at one input size on one GPU provider: frames per second with several frames in
/// flight (bytes in, bytes out, as the pipeline hands them over), one frame's latency, where the
/// nodes ran, the tile used, and the output's PSNR against the CPU path `upscale` runs by default.
public sealed record GpuBenchmarkResult(
    string Model, int Width, int Height, string Provider, int Frames, int FramesInFlight,
    double Fps, double LatencyMs, int TileSize, string? CpuFallback, double? PsnrVsCpu, string? Error);

public sealed record GpuBenchmarkOptions(int Frames = 60, int FramesInFlight = 3)
{
    /// Passed as they are to the provider (EngineOptions.ProviderOptions).
    public IReadOnlyDictionary<string, string> ProviderOptions { get; init; } = new Dictionary<string, string>();

    /// Tile edge in input pixels; null: chosen from the GPU's free memory.
    public int? TileSize { get; init; }
}

public static class GpuBenchmark
{
    /// What `upscale` gives on the CPU for this frame (the engine's default path), and its time.
    public static async Task<(byte[] Output, double Milliseconds)> CpuReferenceAsync(
        UpresPaths paths, string model, byte[] frame, int width, int height, CancellationToken cancellationToken)
    {
        using var cpuEngine = UpscaleEngine.Create(new EngineOptions { Paths = paths });
        using var cpu = await cpuEngine.OpenFrameUpscalerAsync(new UpscaleRequest { InputPath = "-", OutputPath = "-", Model = model }, cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var output = cpu.Upscale(FrameConverter.ToPlanar(frame, width, height, sixteenBit: false), cancellationToken);
        var milliseconds = clock.Elapsed.TotalMilliseconds;
        var bytes = new byte[FrameConverter.FrameBytes(output.Width, output.Height, sixteenBit: false)];
        FrameConverter.ToPacked(output, bytes, sixteenBit: false);
        return (bytes, milliseconds);
    }

    public static async Task<GpuBenchmarkResult> RunAsync(
        UpresPaths paths, string model, ExecutionProvider provider, byte[] frame, int width, int height, GpuBenchmarkOptions options,
        byte[]? cpuReference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(options);
        var name = provider.ToString().ToLowerInvariant();
        var request = new UpscaleRequest { InputPath = "-", OutputPath = "-", Model = model, TileSize = options.TileSize };
        byte[] gpuOutput;
        double fps, latency;
        int tile;
        string? fallback;
        int scale;
        try
        {
            using var gpuEngine = UpscaleEngine.Create(new EngineOptions { Paths = paths, Provider = name, ProviderOptions = options.ProviderOptions });
            using var upscaler = (GpuFrameUpscaler)await gpuEngine.OpenFrameUpscalerAsync(request, cancellationToken).ConfigureAwait(false);
            scale = upscaler.Scale;
            gpuOutput = new byte[frame.Length * scale * scale];

            // The first frame builds the session for this size (and compiles the provider's kernels).
            upscaler.UpscalePacked(frame, width, height, gpuOutput, cancellationToken);
            var clock = Stopwatch.StartNew();
            const int LatencyRuns = 3;
            for (var i = 0; i < LatencyRuns; i++)
            {
                upscaler.UpscalePacked(frame, width, height, gpuOutput, cancellationToken);
            }

            latency = clock.Elapsed.TotalMilliseconds / LatencyRuns;
            fps = Throughput(upscaler, frame, width, height, options, cancellationToken);
            tile = upscaler.CurrentTileSize;
            fallback = upscaler.CpuFallbackReason;
        }
        catch (Exception e) when (e is OrtException or UpscaleException or InvalidCastException)
        {
            return new(model, width, height, name, 0, options.FramesInFlight, 0, 0, 0, null, null, e.Message.Split('\n', 2)[0]);
        }

        double? psnr = cpuReference is null ? null : Psnr(cpuReference, gpuOutput);
        return new(model, width, height, name, options.Frames, options.FramesInFlight, fps, latency, tile, fallback, psnr, null);
    }

    /// PSNR of two 8-bit images; +infinity when they are equal.
    public static double Psnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length || a.IsEmpty)
        {
            throw new ArgumentException("the images differ in size");
        }

        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            sum += d * d;
        }

        var mse = sum / a.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// A deterministic test frame with edges, gradients and fine texture (synthetic input where no
    /// real frame is given).
    public static byte[] SyntheticFrame(int width, int height)
    {
        var frame = new byte[width * height * 3];
        var random = new Random(12345);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                var block = ((x / 37) + (y / 23)) % 2 == 0 ? 60 : 0;
                frame[i] = (byte)Math.Clamp((x * 255 / width) + block - 30 + random.Next(-8, 9), 0, 255);
                frame[i + 1] = (byte)Math.Clamp((y * 255 / height) + random.Next(-8, 9), 0, 255);
                frame[i + 2] = (byte)Math.Clamp(128 + (int)(100 * Math.Sin((x + y) * 0.05)) + random.Next(-8, 9), 0, 255);
            }
        }

        return frame;
    }

    private static double Throughput(IPackedFrameUpscaler upscaler, byte[] frame, int width, int height, GpuBenchmarkOptions options, CancellationToken cancellationToken)
    {
        var next = 0;
        var workers = new Thread[options.FramesInFlight];
        Exception? failure = null;
        var clock = Stopwatch.StartNew();
        for (var t = 0; t < workers.Length; t++)
        {
            workers[t] = new Thread(() =>
            {
                var output = new byte[frame.Length * upscaler.Scale * upscaler.Scale];
                try
                {
                    while (Interlocked.Increment(ref next) <= options.Frames)
                    {
                        upscaler.UpscalePacked(frame, width, height, output, cancellationToken);
                    }
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                }
            });
            workers[t].Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return options.Frames / clock.Elapsed.TotalSeconds;
    }
}
