using System.Diagnostics;
using Upres.Engine.Imaging;
using Upres.Engine.Inference.Compact;

namespace Upres.Engine.Benchmark;

/// What `upres bench` measures for the compact SR models: this machine's FP32 peak, then per
/// model ms/frame, GFLOP/s from the real layer shapes and the share of that peak, for each of
/// the AVX2 engine's algorithms asked for and (when a factory is given) the plain ONNX Runtime
/// run of the same model, plus the PSNR of each output against ONNX Runtime's. Prints nothing.
public static class ModelBenchmark
{
    /// The named compact models (default: the three the target names) from the installed
    /// packages, each against plain ORT with as many intra-op threads as the engine uses.
    public static BenchmarkReport RunInstalled(
        UpresPaths paths, ModelBenchmarkOptions options, CancellationToken cancellationToken, bool reference = true, IReadOnlyList<string>? names = null)
    {
        var threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        var models = (names is { Count: > 0 } ? names : CompactSrModels.Benchmarked).Select(n => CompactSrModels.Load(paths, n)).ToList();
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
        var peaks = new List<(PeakMeasurement Peak, double CpuSeconds)> { MeasurePeak(threads, options.PeakDuration, cancellationToken) };
        var rows = new List<(CompactSrWeights Weights, ModelCost Cost, List<(ConvolutionAlgorithm Algorithm, Timing Timing, PlanarImage Output)> Engines, Timing? Reference, PlanarImage? Expected)>();
        foreach (var weights in models)
        {
            var cost = CompactSrCost.For(weights, options.Width, options.Height);
            var engines = options.Algorithms.Distinct().Select(a =>
            {
                var (timing, output) = TimeEngine(weights, a, input, threads, options, cancellationToken);
                return (a, timing, output);
            }).ToList();
            Timing? refTiming = null;
            PlanarImage? expected = null;
            using (var plain = reference?.Invoke(weights))
            {
                if (plain is not null)
                {
                    (refTiming, expected) = TimeSequential(plain, input, options.FramesPerThread, cancellationToken);
                }
            }

            rows.Add((weights, cost, engines, refTiming, expected));
            peaks.Add(MeasurePeak(threads, options.PeakDuration, cancellationToken));
        }

        var peak = new PeakMeasurement(threads, peaks[0].Peak.VectorBits, peaks.Average(p => p.Peak.GflopsPerSecond));
        var peakPerCpuSecond = peaks.Sum(p => p.Peak.GflopsPerSecond * options.PeakDuration.TotalSeconds) / peaks.Sum(p => p.CpuSeconds);
        EngineFigures Figures(ModelCost cost, Timing t)
        {
            var gflops = cost.Flops / (t.MsPerFrame / 1000) / 1e9;
            return new EngineFigures(t.MsPerFrame, gflops, gflops / peak.GflopsPerSecond, cost.Flops / t.CpuSecondsPerFrame / 1e9 / peakPerCpuSecond);
        }

        var results = rows.Select(r => new ModelBenchmarkResult(
            r.Weights.Name, options.Width, options.Height, r.Cost,
            options.Bands ? $"bands ({threads} per frame)" : $"frames ({threads} in flight)",
            r.Engines.Select(e => new AlgorithmResult(
                e.Algorithm,
                CompactSrCost.ExecutedMacs(r.Weights, e.Algorithm, options.Width, options.Height),
                Figures(r.Cost, e.Timing),
                r.Expected is null ? null : ImageMetrics.Psnr(e.Output, r.Expected))).ToList(),
            r.Reference is { } rt ? Figures(r.Cost, rt) : null)).ToList();
        return new BenchmarkReport(peak, peakPerCpuSecond, results);
    }

    private static (Timing Timing, PlanarImage Output) TimeEngine(
        CompactSrWeights weights, ConvolutionAlgorithm algorithm, PlanarImage input, int threads, ModelBenchmarkOptions options, CancellationToken cancellationToken)
    {
        using var engine = CompactSrUpscaler.Create(weights, threads, algorithm: algorithm);
        return options.Bands
            ? TimeSequential(engine, input, threads * options.FramesPerThread, cancellationToken)
            : TimeFrameParallel(engine, input, threads, options.FramesPerThread, cancellationToken);
    }

    private static (PeakMeasurement Peak, double CpuSeconds) MeasurePeak(int threads, TimeSpan duration, CancellationToken cancellationToken)
    {
        var cpu = CpuTime();
        var peak = FmaPeak.Measure(threads, duration, cancellationToken);
        return (peak, (CpuTime() - cpu).TotalSeconds);
    }

    private static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
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
    private static (Timing Timing, PlanarImage Output) TimeFrameParallel(
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
        var cpu = CpuTime();
        var sw = Stopwatch.StartNew();
        RunOnThreads(threads, () => Work(framesPerThread));
        var frames = threads * framesPerThread;
        return (new Timing(sw.Elapsed.TotalMilliseconds / frames, (CpuTime() - cpu).TotalSeconds / frames), last!);
    }

    private static (Timing Timing, PlanarImage Output) TimeSequential(
        IFrameUpscaler upscaler, PlanarImage input, int frames, CancellationToken cancellationToken)
    {
        var output = upscaler.Upscale(input, cancellationToken);
        var cpu = CpuTime();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < frames; i++)
        {
            output = upscaler.Upscale(input, cancellationToken);
        }

        return (new Timing(sw.Elapsed.TotalMilliseconds / frames, (CpuTime() - cpu).TotalSeconds / frames), output);
    }

    private readonly record struct Timing(double MsPerFrame, double CpuSecondsPerFrame);

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
