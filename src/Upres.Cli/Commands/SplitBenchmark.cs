using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Upres.Engine;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Cli.Commands;

/// `upres bench --split`: one clip upscaled whole by one process of one thread, then cut in two
/// segments upscaled by two worker processes of one thread each (and by one, and by two slots of one
/// process), with the timeline read and the join timed apart: the speed-up and the split and join
/// overhead as a share of the total.
internal static class SplitBenchmark
{
    public static async Task<int> RunAsync(string clip, double seconds, string? size, string model, CancellationToken cancellationToken)
    {
        var inv = CultureInfo.InvariantCulture;
        var work = Directory.CreateTempSubdirectory("upres-split-bench-");
        try
        {
            var input = Path.Combine(work.FullName, "clip.mp4");
            // The clip looped to the length asked for, with a keyframe every two seconds as most sources have.
            await ProcessRunner.RunAsync("ffmpeg",
            [
                "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-stream_loop", "-1", "-i", clip,
                "-t", seconds.ToString("R", inv), .. size is null ? Array.Empty<string>() : ["-vf", "scale=" + size.Replace('x', ':')],
                "-c:v", "libx264", "-preset", "veryfast", "-g", "48", "-c:a", "aac", input,
            ], cancellationToken);
            var request = new UpscaleRequest { InputPath = input, OutputPath = Path.Combine(work.FullName, "single.mp4"), Model = model, Scale = 2 };
            using var engine = UpscaleEngine.Create(new EngineOptions { Threads = 1 });

            var single = await TimeAsync(() => engine.UpscaleAsync(request, null, cancellationToken));
            Console.WriteLine(string.Create(inv,
                $"split bench: {Path.GetFileName(clip)} looped to {seconds:0.#} s{(size is null ? "" : " at " + size)}, {model} x2, {single.Value.Frames} frames"));
            Console.WriteLine(string.Create(inv, $"  single run, 1 process x 1 thread:     {single.Seconds,8:0.0} s"));

            var timeline = await TimeAsync(() => engine.ReadTimelineAsync(request, cancellationToken));
            var ranges = timeline.Value.Split(2);
            var requestFile = Path.Combine(work.FullName, "request.json");
            var timelineFile = Path.Combine(work.FullName, "timeline.json");
            await File.WriteAllTextAsync(requestFile, JsonSerializer.Serialize(request), cancellationToken);
            await File.WriteAllTextAsync(timelineFile, timeline.Value.ToJson(), cancellationToken);
            VideoSegment Segment(FrameRange r, string tag) => new(Path.Combine(work.FullName, $"{tag}-{r.First}.mkv"), r);

            var twoProcesses = await TimeAsync(() => Task.WhenAll(ranges.Select(r => RunWorkerAsync(requestFile, timelineFile, Segment(r, "p2"), cancellationToken))));
            var join = await TimeAsync(() => engine.JoinSegmentsAsync(request with { OutputPath = Path.Combine(work.FullName, "split.mp4") },
                timeline.Value, [.. ranges.Select(r => Segment(r, "p2"))], cancellationToken));
            Report("split in 2, 2 worker processes x 1 thread", single.Seconds, timeline.Seconds, twoProcesses.Seconds, join.Seconds);

            var oneProcess = await TimeAsync(async () =>
            {
                foreach (var r in ranges)
                {
                    await RunWorkerAsync(requestFile, timelineFile, Segment(r, "p1"), cancellationToken);
                }

                return 0;
            });
            Report("split in 2, 1 worker process x 1 thread", single.Seconds, timeline.Seconds, oneProcess.Seconds, join.Seconds);

            using var second = UpscaleEngine.Create(new EngineOptions { Threads = 1 });
            var slots = await TimeAsync(() => Task.WhenAll(ranges.Select((r, i) =>
                (i % 2 == 0 ? engine : second).UpscaleSegmentAsync(request, timeline.Value, r, Segment(r, "s2").Path, null, cancellationToken))));
            Report("split in 2, 1 process with 2 slots x 1 thread", single.Seconds, timeline.Seconds, slots.Seconds, join.Seconds);
            Console.WriteLine("  overhead = reading the timeline (a decode without pixel work) + the join (concatenate, restore times, mux), as a share of that run's total;");
            Console.WriteLine("  worker processes include their start-up and model load. Targets: speed-up >= 1.8x with two workers, overhead <= 3 %.");
            return ExitCodes.Ok;
        }
        finally
        {
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void Report(string what, double single, double timeline, double segments, double join)
    {
        var total = timeline + segments + join;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what + ":",-46} {total,8:0.0} s  speed-up {single / total:0.00}x  split {timeline / total:P1} + join {join / total:P1} = overhead {(timeline + join) / total:P1}"));
    }

    private static async Task<(T Value, double Seconds)> TimeAsync<T>(Func<Task<T>> run)
    {
        var started = Stopwatch.GetTimestamp();
        var value = await run();
        return (value, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static async Task<int> RunWorkerAsync(string requestFile, string timelineFile, VideoSegment segment, CancellationToken cancellationToken)
    {
        var inv = CultureInfo.InvariantCulture;
        // This same executable (the apphost, or dotnet with the CLI's dll) as a worker of one thread.
        var self = Environment.ProcessPath ?? "upres";
        IEnumerable<string> prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [Environment.GetCommandLineArgs()[0]] : [];
        await ProcessRunner.RunAsync(self,
        [
            .. prefix, "segment", "--request", requestFile, "--timeline", timelineFile, "--threads", "1",
            "--first", segment.Range.First.ToString(inv), "--count", segment.Range.Count.ToString(inv), "--out", segment.Path,
        ], cancellationToken);
        return 0;
    }
}
