using System.CommandLine;
using System.Globalization;
using Upres.Engine;
using Upres.Engine.Benchmark;
using Upres.Engine.Inference.Compact;
using Upres.Engine.Interpolation;
using Upres.Engine.Pipeline;

namespace Upres.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var clip = new Option<FileInfo[]>("--clip") { Description = "Real clip for the pipeline figure (default: Real-ESRGAN's demo clip from ../shared/testdata, else a generated one); repeatable with --held", AllowMultipleArgumentsPerToken = false };
        var frames = new Option<int>("--frames") { Description = "Frames for the pipeline figure", DefaultValueFactory = _ => 12 };
        var noReference = new Option<bool>("--no-reference") { Description = "Skip the plain ONNX Runtime runs" };
        var models = new Option<string[]>("--model") { Description = "Only these compact models (repeatable; default: the three the target names)", AllowMultipleArgumentsPerToken = false };
        var input = new Option<string>("--input") { Description = "Synthetic input size WxH for the model table", DefaultValueFactory = _ => "640x360" };
        var threads = new Option<int>("--threads") { Description = "Threads (0: one per core); each thread upscales its own frame", DefaultValueFactory = _ => 0 };
        var bands = new Option<bool>("--bands") { Description = "Time one frame at a time split into bands across the threads (single-image latency) instead of a frame per thread" };
        var algorithms = new Option<string[]>("--algorithm") { Description = $"Engine convolution algorithms to time (repeatable: {string.Join(", ", AlgorithmNames)}, or all; default: the default one and direct)", AllowMultipleArgumentsPerToken = false };
        var held = new Option<bool>("--held") { Description = "Only the held-frame figures: each --clip (default: the animation clips in ../shared/testdata) upscaled x2 with and without reusing repeated frames" };
        var holdThreshold = new Option<double?>("--hold-threshold") { Description = $"With --held: the match threshold in dB (default {HeldFramePolicy.DefaultThresholdDb})" };
        var interpolationOnly = new Option<bool>("--interpolation") { Description = "Only the frame interpolation figure (RIFE at --input, 3 in-between frames)" };
        var modelsOnly = new Option<bool>("--models-only") { Description = "Only the peak and the model table: skip the 4K memory and pipeline figures" };
        var split = new Option<bool>("--split") { Description = "Instead: one clip (--clip) whole by one process, then split in two across 1 and 2 worker processes of one thread each: speed-up and split/join overhead" };
        var seconds = new Option<double>("--seconds") { Description = "With --split: the clip is looped or cut to this length", DefaultValueFactory = _ => 60 };
        var size = new Option<string?>("--size") { Description = "With --split: scale the clip to WxH first (e.g. 320x240) for a quicker run" };
        var command = new Command("bench", "Measure this machine's FP32 peak, each model's speed against it, the pipeline, and memory at 4K")
        {
            clip, frames, noReference, models, input, threads, bands, algorithms, held, holdThreshold, modelsOnly, interpolationOnly, split, seconds, size,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(split))
            {
                if ((parse.GetValue(clip)?.FirstOrDefault()?.FullName ?? DefaultClip()) is not { } splitClip)
                {
                    return CliErrors.Report(UpscaleErrorCodes.InvalidRequest, "--split needs a clip: pass --clip");
                }

                if (parse.GetValue(seconds) is not (> 0 and <= 3600) || parse.GetValue(size) is { } s && InputSize(s) is not ({ }, { }))
                {
                    return CliErrors.Report(UpscaleErrorCodes.InvalidRequest, "--seconds must be 0..3600 and --size WxH");
                }

                return await SplitBenchmark.RunAsync(splitClip, parse.GetValue(seconds), parse.GetValue(size),
                    parse.GetValue(models)?.FirstOrDefault() ?? CompactSrModels.Names[0], cancellationToken);
            }

            var only = parse.GetValue(modelsOnly);
            if (InputSize(parse.GetValue(input)) is not ({ } width, { } height))
            {
                return CliErrors.Report(UpscaleErrorCodes.InvalidSize, "--input must be WxH, each side a whole number from 16 to 16384");
            }

            var unknown = parse.GetValue(models)?.FirstOrDefault(m => !CompactSrModels.Names.Contains(m, StringComparer.Ordinal));
            if (unknown is not null)
            {
                return CliErrors.Report(UpscaleErrorCodes.UnknownModel, $"{unknown} is not a compact model; bench knows {string.Join(", ", CompactSrModels.Names)}");
            }

            if (Algorithms(parse.GetValue(algorithms)) is not { } timed)
            {
                return CliErrors.Report(UpscaleErrorCodes.UnknownAlgorithm, $"--algorithm takes {string.Join(", ", AlgorithmNames)} or all");
            }

            var paths = UpresPaths.FromEnvironment();
            using var engine = UpscaleEngine.Create(new EngineOptions { Paths = paths });
            var inv = CultureInfo.InvariantCulture;
            if (parse.GetValue(held))
            {
                return await HeldAsync(engine, parse.GetValue(clip), parse.GetValue(frames), parse.GetValue(holdThreshold), cancellationToken);
            }

            if (parse.GetValue(interpolationOnly))
            {
                await InterpolationAsync(paths, width, height, cancellationToken);
                return ExitCodes.Ok;
            }

            if (!only)
            {
                // First, in a fresh process, so nothing else has raised the peak yet.
                var memory = await PipelineBenchmark.Measure4KMemoryAsync(engine, cancellationToken);
                Console.WriteLine(string.Create(inv,
                    $"memory: {memory.InputWidth}x{memory.InputHeight} -> {memory.OutputWidth}x{memory.OutputHeight}: peak resident {memory.PeakResidentBytes / 1048576.0:0} MiB (target < 2048 MiB)"));
            }

            var options = new ModelBenchmarkOptions(width, height, Threads: parse.GetValue(threads), Bands: parse.GetValue(bands)) { Algorithms = timed };
            var report = ModelBenchmark.RunInstalled(paths, options, cancellationToken, reference: !parse.GetValue(noReference), names: parse.GetValue(models));
            Console.WriteLine(string.Create(inv,
                $"fp32 peak: {report.Peak.GflopsPerSecond:0.0} GFLOP/s on {report.Peak.Threads} threads ({report.Peak.VectorBits}-bit FMA)"));
            var gemm = GemmWidthChoice.Current;
            Console.WriteLine($"winograd GEMM: {(gemm.Width == GemmWidth.Avx512 ? "512" : "256")}-bit ({gemm.Reason})");
            Console.WriteLine($"{"model",-26} {"input",-9} {"engine",-9} {"ms/frame",9} {"GFLOP/s",8} {"of peak",8} {"cpu-s",6} {"PSNR vs ORT",12}");
            foreach (var m in report.Models)
            {
                var first = true;
                foreach (var a in m.Algorithms)
                {
                    Row(first ? m.Model : "", first ? m.Width + "x" + m.Height : "", AlgorithmName(a.Algorithm), a.Figures, a.PsnrVsReference);
                    first = false;
                }

                if (m.Reference is { } reference)
                {
                    Row("", "", "ORT", reference, null);
                }

                var direct = m.Of(ConvolutionAlgorithm.Direct);
                foreach (var a in m.Algorithms.Where(a => a.Algorithm != ConvolutionAlgorithm.Direct))
                {
                    var vsDirect = direct is null ? "" : string.Create(inv, $"; {direct.Figures.MsPerFrame / a.Figures.MsPerFrame:0.00}x direct");
                    var vsOrt = m.Reference is { } r ? string.Create(inv, $"; {r.MsPerFrame / a.Figures.MsPerFrame:0.00}x ORT") : "";
                    Console.WriteLine(string.Create(inv,
                        $"{"",-26} {"",-9} ({AlgorithmName(a.Algorithm)} executes {(double)a.ExecutedMacs / m.Cost.ConvMacs:P0} of the direct multiply-adds: {a.ExecutedShareOfPeak(m.Cost):P1} of peak executed{vsDirect}{vsOrt})"));
                }
            }

            Console.WriteLine("GFLOP/s and 'of peak' count the direct convolution's arithmetic for every engine, against the FMA peak measured between the models;");
            Console.WriteLine($"cpu-s is GFLOP per CPU-second against the peak's, which stays fair when other work shares the cores. `upres upscale` uses {AlgorithmName(CompactSrUpscaler.DefaultAlgorithm)}.");

            if (only)
            {
                return ExitCodes.Ok;
            }

            await InterpolationAsync(paths, width, height, cancellationToken);

            var clipPath = parse.GetValue(clip)?.FirstOrDefault()?.FullName ?? DefaultClip();
            if (clipPath is null)
            {
                Console.WriteLine("pipeline: skipped (no clip: pass --clip)");
                return ExitCodes.Ok;
            }

            var pipeline = await PipelineBenchmark.RunAsync(engine, clipPath, parse.GetValue(frames), cancellationToken);
            Console.WriteLine(string.Create(inv,
                $"pipeline: {pipeline.Clip} {pipeline.Width}x{pipeline.Height} x2 ({pipeline.Model}), {pipeline.Frames} frames: {pipeline.SteadyFps:0.000} fps once running vs {pipeline.InferenceOnlyFps:0.000} fps inference only = {pipeline.Share:P1} (target >= 90%); {pipeline.PipelineFps:0.000} fps counting start-up and the final mux"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Row(string model, string input, string engine, EngineFigures f, double? psnr) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{model,-26} {input,-9} {engine,-9} {f.MsPerFrame,9:0.0} {f.GflopsPerSecond,8:0.0} {f.ShareOfPeak,8:P1} {f.CpuShareOfPeak * 100,6:0.0} {(psnr is { } p ? p.ToString("0.00", CultureInfo.InvariantCulture) + " dB" : "-"),12}"));

    private static readonly ConvolutionAlgorithm[] AllAlgorithms = Enum.GetValues<ConvolutionAlgorithm>();

    private static IEnumerable<string> AlgorithmNames => AllAlgorithms.Select(AlgorithmName);

    // winograd4x4, winograd2x2, winogradrow, direct.
    private static string AlgorithmName(ConvolutionAlgorithm a) => a.ToString().ToLowerInvariant();

    private static IReadOnlyList<ConvolutionAlgorithm>? Algorithms(string[]? names)
    {
        if (names is not { Length: > 0 })
        {
            return [CompactSrUpscaler.DefaultAlgorithm, ConvolutionAlgorithm.Direct];
        }

        if (names.Contains("all", StringComparer.OrdinalIgnoreCase))
        {
            return AllAlgorithms;
        }

        var chosen = names.Select(n => AllAlgorithms.Cast<ConvolutionAlgorithm?>().FirstOrDefault(a => string.Equals(AlgorithmName(a!.Value), n, StringComparison.OrdinalIgnoreCase))).ToList();
        return chosen.Any(c => c is null) ? null : chosen.Select(c => c!.Value).ToList();
    }

    private static (int? Width, int? Height) InputSize(string? text)
    {
        try
        {
            return UpscaleOptions.ParseSize(text);
        }
        catch (UpscaleException)
        {
            return (null, null);
        }
    }

    private static async Task<int> HeldAsync(UpscaleEngine engine, FileInfo[]? clips, int frames, double? thresholdDb, CancellationToken cancellationToken)
    {
        if (thresholdDb is { } t && !HeldFramePolicy.IsValidThreshold(t))
        {
            return CliErrors.Report(UpscaleErrorCodes.InvalidHoldThreshold, $"--hold-threshold must be at least {HeldFramePolicy.MinThresholdDb} dB");
        }

        var paths = clips is { Length: > 0 } ? clips.Select(c => c.FullName).ToList() : AnimationClips().ToList();
        if (paths.Count == 0)
        {
            Console.WriteLine("held frames: skipped (no clip: pass --clip)");
            return ExitCodes.Ok;
        }

        var policy = thresholdDb is { } db ? new HeldFramePolicy(true, db) : null;
        foreach (var path in paths)
        {
            var r = await HeldFrameBenchmark.RunAsync(engine, path, frames, policy, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"held frames: {r.Clip} {r.Width}x{r.Height} x2 ({r.Model}), {r.Frames} frames, threshold {r.ThresholdDb:0.#} dB: {r.Held} held ({r.HeldShare:P0}); {r.FpsWithout:0.000} fps without reuse, {r.FpsWith:0.000} fps with ({r.FpsWith / r.FpsWithout:0.00}x); worst frame PSNR with vs without {(double.IsPositiveInfinity(r.WorstPsnrDb) ? "identical" : r.WorstPsnrDb.ToString("0.00", CultureInfo.InvariantCulture) + " dB")} (target >= 45 dB)"));
        }

        return ExitCodes.Ok;
    }

    private static string TestVideos()
    {
        var root = Environment.GetEnvironmentVariable("UPRES_ROOT") ?? Directory.GetCurrentDirectory();
        return Path.GetFullPath(Path.Combine(root, "..", "shared", "testdata", "videos"));
    }

    private static string? DefaultClip()
    {
        var demo = Path.Combine(TestVideos(), "real-esrgan", "onepiece_demo.mp4");
        return File.Exists(demo) ? demo : null;
    }

    // Real-ESRGAN's anime demo (drawn animation, 640x480). The other animation there, the
    // rendered 1080p rotate-buck-bunny.mp4, takes --clip and a few --frames.
    private static IEnumerable<string> AnimationClips() =>
        new[] { DefaultClip() }.OfType<string>();

    private static async Task InterpolationAsync(UpresPaths paths, int width, int height, CancellationToken cancellationToken)
    {
        if (!File.Exists(RifeModel.Source.BinFile(paths)))
        {
            Console.WriteLine($"interpolation: skipped ({RifeModel.Source.BinFile(paths)} is missing: run ./upres once)");
            return;
        }

        var interpolation = await InterpolationBenchmark.RunAsync(paths, width, height, 3, cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"interpolation: {RifeModel.Name} {interpolation.Width}x{interpolation.Height}: {interpolation.MsPerFrame:0} ms per in-between frame = {interpolation.FramesPerSecond:0.00} fps (ONNX Runtime, {Environment.ProcessorCount} threads); 30 -> 60 fps makes one per source frame"));
    }

}
