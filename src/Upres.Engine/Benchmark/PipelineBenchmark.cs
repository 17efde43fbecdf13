using System.Diagnostics;
using System.Globalization;
using Upres.Engine.Imaging;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Benchmark;

/// PipelineFps counts the whole call (probe, model load, ffmpeg start-up, final mux);
/// SteadyFps only the frames after the first ones out, when all three stages are running, which
/// is what a long video sees and what the target compares with inference alone.
public sealed record PipelineBenchmarkResult(
    string Clip, int Width, int Height, int Frames, string Model,
    double PipelineFps, double SteadyFps, double InferenceOnlyFps)
{
    public double Share => InferenceOnlyFps > 0 ? SteadyFps / InferenceOnlyFps : 0;
}

public sealed record MemoryBenchmarkResult(int InputWidth, int InputHeight, int OutputWidth, int OutputHeight, long PeakResidentBytes);

/// End-to-end figures: the whole decode -> infer -> encode pipeline against the upscaler alone on
/// the same frames, and the process's peak memory while producing a 4K output.
public static class PipelineBenchmark
{
    public static async Task<PipelineBenchmarkResult> RunAsync(UpscaleEngine engine, string clip, int frames, CancellationToken cancellationToken)
    {
        var info = await engine.Prober.ProbeAsync(clip, cancellationToken).ConfigureAwait(false);
        var video = info.Video ?? throw new UpscaleException(UpscaleErrorCodes.NoVideoStream, $"{clip} has no video");
        var work = Directory.CreateTempSubdirectory("upres-bench-");
        try
        {
            var request = new UpscaleRequest
            {
                InputPath = clip,
                OutputPath = Path.Combine(work.FullName, "out.mkv"),
                Scale = 2,
                DurationMs = (long)Math.Ceiling(frames / video.FrameRate * 1000) - 1,
            };

            // Inference alone: the same upscaler on the clip's first frame, run the way the pipeline
            // runs it (frames side by side where it can), once to warm up.
            var firstFrame = Path.Combine(work.FullName, "first.png");
            await ProcessRunner.RunAsync("ffmpeg", ["-v", "error", "-i", clip, "-frames:v", "1", "-y", firstFrame], cancellationToken)
                .ConfigureAwait(false);
            var image = await ImageFile.ReadAsync(firstFrame, cancellationToken).ConfigureAwait(false);
            string model;
            double inferenceFps;
            using (var upscaler = await engine.OpenFrameUpscalerAsync(request, cancellationToken).ConfigureAwait(false))
            {
                model = upscaler.Name;
                inferenceFps = InferenceOnlyFps(upscaler, image, Math.Max(2, frames / 3), cancellationToken);
            }

            var timer = Stopwatch.StartNew();
            var reports = new List<(long Frames, TimeSpan At)>();
            var progress = new Recorder(p => reports.Add((p.FramesDone, timer.Elapsed)));
            var result = await engine.UpscaleAsync(request, progress, cancellationToken).ConfigureAwait(false);
            var pipelineFps = result.Frames / timer.Elapsed.TotalSeconds;
            var steadyFps = SteadyFps(reports, pipelineFps);
            return new PipelineBenchmarkResult(Path.GetFileName(clip), video.Width, video.Height, (int)result.Frames, model, pipelineFps, steadyFps, inferenceFps);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    // From the first report with frames done to the last one: the frames in between over the time.
    private static double SteadyFps(List<(long Frames, TimeSpan At)> reports, double fallback)
    {
        var done = reports.Where(r => r.Frames > 0).ToList();
        if (done.Count < 2 || done[^1].Frames <= done[0].Frames)
        {
            return fallback;
        }

        return (done[^1].Frames - done[0].Frames) / (done[^1].At - done[0].At).TotalSeconds;
    }

    private sealed class Recorder(Action<UpscaleProgress> record) : IProgress<UpscaleProgress>
    {
        public void Report(UpscaleProgress value)
        {
            lock (this)
            {
                record(value);
            }
        }
    }

    private static double InferenceOnlyFps(IFrameUpscaler upscaler, PlanarImage image, int frames, CancellationToken cancellationToken)
    {
        if (upscaler is not IConcurrentFrameUpscaler { FramesInFlight: > 1 } concurrent)
        {
            upscaler.Upscale(image, cancellationToken);
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < frames; i++)
            {
                upscaler.Upscale(image, cancellationToken);
            }

            return frames / sw.Elapsed.TotalSeconds;
        }

        var lanes = concurrent.FramesInFlight;
        var perLane = Math.Max(1, frames / lanes);
        void Run(int count) => Parallel.For(0, lanes, new ParallelOptions { MaxDegreeOfParallelism = lanes, CancellationToken = cancellationToken }, _ =>
        {
            for (var i = 0; i < count; i++)
            {
                concurrent.UpscaleOnCallingThread(image, cancellationToken);
            }
        });
        Run(1);
        var watch = Stopwatch.StartNew();
        Run(perLane);
        return lanes * perLane / watch.Elapsed.TotalSeconds;
    }

    /// Upscales a generated 1920x1080 clip x2 (a 3840x2160 output) and reads this process's peak
    /// resident memory; run it first in a fresh process so earlier work does not count.
    public static async Task<MemoryBenchmarkResult> Measure4KMemoryAsync(UpscaleEngine engine, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("upres-bench-");
        try
        {
            var clip = Path.Combine(work.FullName, "1080p.mp4");
            await ProcessRunner.RunAsync("ffmpeg",
                ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25", "-frames:v", "2", "-pix_fmt", "yuv420p", "-y", clip],
                cancellationToken).ConfigureAwait(false);
            var result = await engine.UpscaleAsync(
                new UpscaleRequest { InputPath = clip, OutputPath = Path.Combine(work.FullName, "2160p.mkv"), Scale = 2 },
                null, cancellationToken).ConfigureAwait(false);
            return new MemoryBenchmarkResult(1920, 1080, result.Width, result.Height, PeakResidentBytes());
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static long PeakResidentBytes()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
