using System.CommandLine;
using System.Globalization;
using Upres.Engine;
using Upres.Engine.Benchmark;

namespace Upres.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var clip = new Option<FileInfo?>("--clip") { Description = "Real clip for the pipeline figure (default: Real-ESRGAN's demo clip from ../shared/testdata, else a generated one)" };
        var frames = new Option<int>("--frames") { Description = "Frames for the pipeline figure", DefaultValueFactory = _ => 12 };
        var noReference = new Option<bool>("--no-reference") { Description = "Skip the plain ONNX Runtime runs" };
        var command = new Command("bench", "Measure this machine's FP32 peak, each model's speed against it, the pipeline, and memory at 4K") { clip, frames, noReference };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = UpresPaths.FromEnvironment();
            using var engine = UpscaleEngine.Create(new EngineOptions { Paths = paths });
            var inv = CultureInfo.InvariantCulture;

            // First, in a fresh process, so nothing else has raised the peak yet.
            var memory = await PipelineBenchmark.Measure4KMemoryAsync(engine, cancellationToken);
            Console.WriteLine(string.Create(inv,
                $"memory: {memory.InputWidth}x{memory.InputHeight} -> {memory.OutputWidth}x{memory.OutputHeight}: peak resident {memory.PeakResidentBytes / 1048576.0:0} MiB (target < 2048 MiB)"));

            var report = ModelBenchmark.RunInstalled(paths, new ModelBenchmarkOptions(), cancellationToken, reference: !parse.GetValue(noReference));
            Console.WriteLine(string.Create(inv,
                $"fp32 peak: {report.Peak.GflopsPerSecond:0.0} GFLOP/s on {report.Peak.Threads} threads ({report.Peak.VectorBits}-bit FMA)"));
            Console.WriteLine($"{"model",-26} {"input",-9} {"ms/frame",9} {"GFLOP/s",8} {"of peak",8} {"cpu-s",6}   {"ORT ms",8} {"ORT %",6} {"cpu-s",6} {"PSNR vs ORT",12}");
            foreach (var m in report.Models)
            {
                Console.WriteLine(string.Create(inv,
                    $"{m.Model,-26} {m.Width + "x" + m.Height,-9} {m.MsPerFrame,9:0.0} {m.GflopsPerSecond,8:0.0} {m.ShareOfPeak,8:P1} {m.CpuShareOfPeak * 100,6:0.0}   {Opt(m.ReferenceMsPerFrame, "0.0"),8} {Opt(m.ReferenceShareOfPeak * 100, "0.0"),6} {Opt(m.ReferenceCpuShareOfPeak * 100, "0.0"),6} {Opt(m.PsnrVsReference, "0.00") + " dB",12}"));
            }

            Console.WriteLine("(of peak: wall clock against the FMA peak measured between the models; cpu-s: GFLOP per CPU-second against the peak's, which stays fair when other work shares the cores)");

            var clipPath = parse.GetValue(clip)?.FullName ?? DefaultClip();
            if (clipPath is null)
            {
                Console.WriteLine("pipeline: skipped (no clip: pass --clip)");
                return ExitCodes.Ok;
            }

            var pipeline = await PipelineBenchmark.RunAsync(engine, clipPath, parse.GetValue(frames), cancellationToken);
            Console.WriteLine(string.Create(inv,
                $"pipeline: {pipeline.Clip} {pipeline.Width}x{pipeline.Height} x2 ({pipeline.Model}), {pipeline.Frames} frames: {pipeline.PipelineFps:0.000} fps end to end vs {pipeline.InferenceOnlyFps:0.000} fps inference only = {pipeline.Share:P1} (target >= 90%)"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Opt(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string? DefaultClip()
    {
        var root = Environment.GetEnvironmentVariable("UPRES_ROOT") ?? Directory.GetCurrentDirectory();
        var demo = Path.GetFullPath(Path.Combine(root, "..", "shared", "testdata", "videos", "real-esrgan", "onepiece_demo.mp4"));
        return File.Exists(demo) ? demo : null;
    }
}
