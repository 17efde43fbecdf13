using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Upres.Engine;
using Upres.Engine.Pipeline;

namespace Upres.Cli.Commands;

/// `upres segment`: one frame range of a request as its own worker process (hidden; `upres bench
/// --split` starts these). Prints the seconds it took.
internal static class SegmentCommand
{
    public static Command Create()
    {
        var request = new Option<FileInfo>("--request") { Description = "The upscale request as JSON", Required = true };
        var timeline = new Option<FileInfo>("--timeline") { Description = "The frame timeline as JSON", Required = true };
        var first = new Option<int>("--first") { Description = "First frame of the range", Required = true };
        var count = new Option<int>("--count") { Description = "Frames in the range", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the segment (Matroska)", Required = true };
        var threads = new Option<int?>("--threads") { Description = "Inference threads (default: all cores)" };
        var command = new Command("segment", "Upscale one frame range of a request (used by bench --split)")
        {
            request, timeline, first, count, output, threads,
        };
        command.Hidden = true;
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var upscale = JsonSerializer.Deserialize<UpscaleRequest>(await File.ReadAllTextAsync(parse.GetValue(request)!.FullName, cancellationToken))!;
                var frames = FrameTimeline.FromJson(await File.ReadAllTextAsync(parse.GetValue(timeline)!.FullName, cancellationToken));
                var started = Stopwatch.GetTimestamp();
                using var engine = UpscaleEngine.Create(new EngineOptions { Threads = parse.GetValue(threads) });
                await engine.UpscaleSegmentAsync(upscale, frames, new FrameRange(parse.GetValue(first), parse.GetValue(count)),
                    parse.GetValue(output)!.FullName, null, cancellationToken);
                Console.WriteLine(Stopwatch.GetElapsedTime(started).TotalSeconds.ToString("R", CultureInfo.InvariantCulture));
                return ExitCodes.Ok;
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Cancelled;
            }
            catch (UpscaleException e)
            {
                Console.Error.WriteLine($"error [{e.Code}]: {e.Message}");
                return CliErrors.ExitCodeFor(e.Code);
            }
        });
        return command;
    }
}
