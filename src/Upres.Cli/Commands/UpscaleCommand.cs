using System.CommandLine;
using System.Globalization;
using Upres.Engine;
using Upres.Engine.Pipeline;

namespace Upres.Cli.Commands;

internal static class UpscaleCommand
{
    public static Command Create()
    {
        var options = new UpscaleOptions();
        var command = new Command("upscale", "Upscale a video file with a super-resolution model");
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var request = options.ToRequest(parse);
                var engine = EngineOptionsFrom(parse, options);
                using var upscaler = UpscaleEngine.Create(engine);
                var result = await ProgressDisplay.RunAsync<UpscaleResult>(
                    Path.GetFileName(request.InputPath),
                    progress => upscaler.UpscaleAsync(request, progress, cancellationToken));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"wrote {result.OutputPath}: {result.Width}x{result.Height}, {result.Frames} frames ({result.HeldFrames} held frames reused), {result.Duration.TotalSeconds:0.###} s, {result.FrameRate:0.###} fps"));
                if (request.TargetFps is not null)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"interpolated: {result.InterpolatedFrames} frames made by RIFE; {result.SceneCuts} scene cuts repeated a frame instead"));
                }
                return ExitCodes.Ok;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("cancelled; no output was written");
                return ExitCodes.Cancelled;
            }
            catch (UpscaleException e)
            {
                return CliErrors.Report(e);
            }
        });
        return command;
    }

    private static EngineOptions EngineOptionsFrom(ParseResult parse, UpscaleOptions options) => new()
    {
        Threads = parse.GetValue(options.Threads),
        Provider = parse.GetValue(options.Provider) ?? "cpu",
    };
}
