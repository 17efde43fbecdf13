using System.Diagnostics;
using System.Globalization;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Benchmark;

/// One clip through the whole pipeline twice, with held frames off and on (the engine's default
/// policy or the one given): fps each way, the share of frames held, and the worst per-frame PSNR
/// (ffmpeg's psnr filter, YUV average) between the two outputs, both encoded losslessly so the
/// figure is the reuse's alone. Frames that came out identical are left out of the worst.
public sealed record HeldFrameBenchmarkResult(
    string Clip, int Width, int Height, string Model, long Frames, long Held, double FpsWithout, double FpsWith, double WorstPsnrDb, double ThresholdDb)
{
    public double HeldShare => Frames > 0 ? (double)Held / Frames : 0;
}

public static class HeldFrameBenchmark
{
    public static async Task<HeldFrameBenchmarkResult> RunAsync(
        UpscaleEngine engine, string clip, int frames, HeldFramePolicy? policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var on = policy ?? engine.Options.HeldFrames;
        if (!on.Enabled)
        {
            on = HeldFramePolicy.Default;
        }

        var info = await engine.Prober.ProbeAsync(clip, cancellationToken).ConfigureAwait(false);
        var video = info.Video ?? throw new UpscaleException(UpscaleErrorCodes.NoVideoStream, $"{clip} has no video");
        var work = Directory.CreateTempSubdirectory("upres-bench-");
        try
        {
            var request = new UpscaleRequest
            {
                InputPath = clip,
                OutputPath = "",
                Scale = 2,
                DurationMs = (long)Math.Ceiling(frames / video.FrameRate * 1000) - 1,
                Container = ContainerFormat.Mkv,
                Crf = 0,
            };

            var without = request with { OutputPath = Path.Combine(work.FullName, "without.mkv"), HeldFrames = HeldFramePolicy.Off };
            var with = request with { OutputPath = Path.Combine(work.FullName, "with.mkv"), HeldFrames = on };

            // Also converts and caches the model, so neither timed run pays for that.
            string model;
            using (var upscaler = await engine.OpenFrameUpscalerAsync(request, cancellationToken).ConfigureAwait(false))
            {
                model = upscaler.Name;
            }

            var (_, fpsWithout) = await TimedAsync(engine, without, cancellationToken).ConfigureAwait(false);
            var (held, fpsWith) = await TimedAsync(engine, with, cancellationToken).ConfigureAwait(false);
            var worst = await WorstPsnrAsync(without.OutputPath, with.OutputPath, work.FullName, cancellationToken).ConfigureAwait(false);
            return new HeldFrameBenchmarkResult(
                Path.GetFileName(clip), video.Width, video.Height, model, held.Frames, held.HeldFrames, fpsWithout, fpsWith, worst, on.ThresholdDb);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<(UpscaleResult Result, double Fps)> TimedAsync(UpscaleEngine engine, UpscaleRequest request, CancellationToken cancellationToken)
    {
        var timer = Stopwatch.StartNew();
        var result = await engine.UpscaleAsync(request, null, cancellationToken).ConfigureAwait(false);
        return (result, result.Frames / timer.Elapsed.TotalSeconds);
    }

    // psnr_avg per frame from ffmpeg's stats file; "inf" (identical frames) is left out.
    private static async Task<double> WorstPsnrAsync(string a, string b, string work, CancellationToken cancellationToken)
    {
        var stats = Path.Combine(work, "psnr.log");
        await ProcessRunner.RunAsync("ffmpeg",
            ["-v", "error", "-i", a, "-i", b, "-lavfi", $"[0:v][1:v]psnr=stats_file={stats.Replace(":", "\\:", StringComparison.Ordinal)}", "-f", "null", "-"],
            cancellationToken).ConfigureAwait(false);
        var worst = double.PositiveInfinity;
        foreach (var line in await File.ReadAllLinesAsync(stats, cancellationToken).ConfigureAwait(false))
        {
            var field = line.Split(' ').FirstOrDefault(f => f.StartsWith("psnr_avg:", StringComparison.Ordinal));
            if (field is not null && double.TryParse(field["psnr_avg:".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out var db))
            {
                worst = Math.Min(worst, db);
            }
        }

        return worst;
    }
}
