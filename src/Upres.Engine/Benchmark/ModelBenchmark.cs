using System.Diagnostics;
using Upres.Engine.Imaging;
using Upres.Engine.Inference.Compact;

namespace Upres.Engine.Benchmark;

/// What `upres bench` measures for the compact SR models: this machine's FP32 peak, then per
/// model ms/frame, GFLOP/s from the real layer shapes and the share of that peak, for the AVX2
/// engine and (when a factory is given) the plain ONNX Runtime run of the same model, plus the
/// PSNR between the two outputs. Prints nothing.
public static class ModelBenchmark
{
    /// The three target models from the installed packages, each against plain ORT with as many
    /// intra-op threads as the engine uses.
    public static BenchmarkReport RunInstalled(UpresPaths paths, ModelBenchmarkOptions options, CancellationToken cancellationToken, bool reference = true)
    {
        var threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        var models = CompactSrModels.Benchmarked.Select(n => CompactSrModels.Load(paths, n)).ToList();
        return Run(
            models,
            !reference ? null : w =>
            {
                var (param, bin) = CompactSrModels.Files(paths, w.Name);
                return PlainOnnxUpscaler.Create(param, bin, w.OutputScale, threads, cancellationToken);
            },
            options with { Threads = threads },
            cancellationToken);
    }

    public static BenchmarkReport Run(
        IReadOnlyList<CompactSrWeights> models,
        Func<CompactSrWeights, IFrameUpscaler?>? reference,
        ModelBenchmarkOptions options,
        CancellationToken cancellationToken)
    {
        var threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        var input = SyntheticFrame(options.Width, options.Height);
        var peaks = new List<PeakMeasurement> { FmaPeak.Measure(threads, options.PeakDuration, cancellationToken) };
        var rows = new List<(CompactSrWeights Weights, ModelCost Cost, double Ms, double? RefMs, double? Psnr)>();
        foreach (var weights in models)
        {
            var cost = CompactSrCost.For(weights, options.Width, options.Height);
            using var engine = CompactSrUpscaler.Create(weights, threads);
            var (ms, output) = TimeFrameParallel(engine, input, threads, options.FramesPerThread, cancellationToken);
            double? refMs = null, psnr = null;
            using (var plain = reference?.Invoke(weights))
            {
                if (plain is not null)
                {
                    var (rms, expected) = TimeSequential(plain, input, options.FramesPerThread, cancellationToken);
                    refMs = rms;
                    psnr = ImageMetrics.Psnr(output, expected);
                }
            }

            rows.Add((weights, cost, ms, refMs, psnr));
            peaks.Add(FmaPeak.Measure(threads, options.PeakDuration, cancellationToken));
        }

        var peak = new PeakMeasurement(threads, peaks[0].VectorBits, peaks.Average(p => p.GflopsPerSecond));
        var results = rows.Select(r =>
        {
            var gflops = r.Cost.Flops / (r.Ms / 1000) / 1e9;
            double? refGflops = r.RefMs is { } rm ? r.Cost.Flops / (rm / 1000) / 1e9 : null;
            return new ModelBenchmarkResult(
                r.Weights.Name, options.Width, options.Height, r.Cost, $"frames ({threads} in flight)",
                r.Ms, gflops, gflops / peak.GflopsPerSecond,
                r.RefMs, refGflops, refGflops / peak.GflopsPerSecond, r.Psnr);
        }).ToList();
        return new BenchmarkReport(peak, results);
    }

    /// A smooth image with edges and fine texture, the same on every machine.
    public static PlanarImage SyntheticFrame(int width, int height)
    {
        var image = new PlanarImage(width, height);
        var rng = new Random(12345);
        var plane = width * height;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var u = (double)x / width;
                var v = (double)y / height;
                var edge = ((x / 37) + (y / 29)) % 2 == 0 ? 0.15 : 0;
                for (var c = 0; c < 3; c++)
                {
                    var value = 0.5 + (0.3 * Math.Sin((9 + (4 * c)) * u + (7 * v))) + edge + (0.05 * rng.NextDouble());
                    image.Data[(c * plane) + (y * width) + x] = (float)Math.Clamp(value, 0, 1);
                }
            }
        }

        return image;
    }

    // One warm-up frame per thread (JIT, row buffers), then each thread upscales its own frames.
    private static (double MsPerFrame, PlanarImage Output) TimeFrameParallel(
        CompactSrUpscaler engine, PlanarImage input, int threads, int framesPerThread, CancellationToken cancellationToken)
    {
        PlanarImage? last = null;
        void Work(int frames)
        {
            for (var i = 0; i < frames; i++)
            {
                var o = engine.UpscaleOnCallingThread(input, cancellationToken);
                Interlocked.CompareExchange(ref last, o, null);
            }
        }

        RunOnThreads(threads, () => Work(1));
        var sw = Stopwatch.StartNew();
        RunOnThreads(threads, () => Work(framesPerThread));
        var ms = sw.Elapsed.TotalMilliseconds / (threads * framesPerThread);
        return (ms, last!);
    }

    private static (double MsPerFrame, PlanarImage Output) TimeSequential(
        IFrameUpscaler upscaler, PlanarImage input, int frames, CancellationToken cancellationToken)
    {
        var output = upscaler.Upscale(input, cancellationToken);
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < frames; i++)
        {
            output = upscaler.Upscale(input, cancellationToken);
        }

        return (sw.Elapsed.TotalMilliseconds / frames, output);
    }

    private static void RunOnThreads(int threads, Action work)
    {
        var errors = new Exception?[threads];
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                work();
            }
            catch (Exception e)
            {
                errors[t] = e;
            }
        })
        { IsBackground = true }).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        var first = errors.FirstOrDefault(e => e is not null);
        if (first is not null)
        {
            throw first is OperationCanceledException ? first : new AggregateException(errors.OfType<Exception>());
        }
    }
}
