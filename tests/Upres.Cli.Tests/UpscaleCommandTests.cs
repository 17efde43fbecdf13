using System.Diagnostics;

namespace Upres.Cli.Tests;

/// `upres upscale` and `upres bench` as scripts see them: exit codes, messages, and no output
/// left behind when a run does not finish.
public sealed class UpscaleCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("upres-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<string> ClipAsync(string seconds = "0.4") => UpresCommand.MakeClipAsync(_dir, "in.mp4",
        "-f", "lavfi", "-i", "testsrc2=size=48x32:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
        "-t", seconds, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest");

    [Fact]
    public async Task A_clip_is_upscaled_with_the_default_model_and_exit_code_0()
    {
        var input = await ClipAsync();
        var output = Path.Combine(_dir, "out.mp4");

        var result = await UpresCommand.RunAsync("upscale", input, output);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("wrote " + output + ": 96x64, 10 frames", result.StandardOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(output));
    }

    [Fact]
    public async Task Fps_interpolates_to_the_rate_and_says_how_many_frames_it_made()
    {
        var input = await ClipAsync();
        var output = Path.Combine(_dir, "out50.mp4");

        var result = await UpresCommand.RunAsync("upscale", input, output, "--fps", "50");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("wrote " + output + ": 96x64, 20 frames", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("50 fps", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("interpolated: 9 frames made by RIFE; 0 scene cuts", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "invalid_size", "upscale", "IN", "OUT.mp4", "--size", "7x7")]
    [InlineData(2, "unknown_model", "upscale", "IN", "OUT.mp4", "--model", "nope")]
    [InlineData(2, "invalid_request", "upscale", "IN", "OUT.mp4", "--scale", "7")]
    [InlineData(2, "unsupported_container_codec", "upscale", "IN", "OUT.webm", "--codec", "h264")]
    [InlineData(3, "input_not_found", "upscale", "MISSING", "OUT.mp4")]
    [InlineData(3, "no_video_stream", "upscale", "AUDIO", "OUT.mp4")]
    [InlineData(2, "invalid_size", "bench", "--input", "7x7", "--models-only")]
    [InlineData(2, "unknown_model", "bench", "--model", "nope", "--models-only")]
    [InlineData(2, "unknown_algorithm", "bench", "--algorithm", "fft", "--models-only")]
    [InlineData(2, "invalid_hold_threshold", "upscale", "IN", "OUT.mp4", "--hold-threshold", "10")]
    [InlineData(2, "invalid_hold_threshold", "bench", "--held", "--hold-threshold", "10")]
    [InlineData(2, "invalid_request", "upscale", "IN", "OUT.mp4", "--fps", "60", "--max-fps", "30")]
    [InlineData(2, "invalid_request", "upscale", "IN", "OUT.mp4", "--vfr-interpolate")]
    [InlineData(2, "variable_frame_rate", "upscale", "VFR", "OUT.mp4", "--fps", "60")]
    public async Task Bad_requests_exit_with_a_documented_code_and_say_why(int exitCode, string code, params string[] args)
    {
        var input = await ClipAsync();
        var audio = await UpresCommand.MakeClipAsync(_dir, "audio.m4a", "-f", "lavfi", "-i", "sine=frequency=440", "-t", "0.5", "-c:a", "aac");
        // 25 fps frames with a 0.3 s gap: the stream says 25 fps, the average is lower.
        var vfr = args.Contains("VFR") ? await UpresCommand.MakeClipAsync(_dir, "vfr.mp4", "-f", "lavfi", "-i", "testsrc2=size=48x32:rate=25", "-frames:v", "10",
            "-vf", "setpts='PTS+gte(N\\,5)*0.3/TB'", "-fps_mode", "passthrough", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p") : null;
        var resolved = args.Select(a => a switch
        {
            "IN" => input,
            "VFR" => vfr!,
            "AUDIO" => audio,
            "MISSING" => Path.Combine(_dir, "missing.mp4"),
            _ when a.StartsWith("OUT", StringComparison.Ordinal) => Path.Combine(_dir, a),
            _ => a,
        }).ToArray();

        var result = await UpresCommand.RunAsync(resolved);

        Assert.True(result.ExitCode == exitCode, $"exit {result.ExitCode}: {result.StandardError}");
        Assert.Contains($"error [{code}]", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir, "OUT*"));
    }

    [Fact]
    public async Task A_missing_ffmpeg_exits_with_code_4_and_names_the_tool()
    {
        var input = await ClipAsync();
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "empty-path")).FullName;

        var result = await UpresCommand.RunAsync(new Dictionary<string, string?> { ["PATH"] = empty },
            "upscale", input, Path.Combine(_dir, "OUT.mp4"));

        Assert.True(result.ExitCode == 4, $"exit {result.ExitCode}: {result.StandardError}");
        Assert.Contains("error [tool_missing]", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("ffprobe", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir, "OUT*"));
    }

    [Upres.Tests.InterruptFact]
    public async Task Ctrl_c_stops_with_exit_code_130_and_leaves_no_output()
    {
        var input = await ClipAsync(seconds: "20");
        var output = Path.Combine(_dir, "cancelled.mp4");
        using var process = UpresCommand.Start("upscale", input, output, "--model", "realesrgan-x4fast", "--scale", "4");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();

        // Wait for the first progress line: the model is running and ffmpeg children are up.
        var started = Stopwatch.StartNew();
        while (!File.Exists(output) && started.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited
               && !Directory.EnumerateFileSystemEntries(_dir).Any(p => p.Contains(".upres-", StringComparison.Ordinal)))
        {
            await Task.Delay(100);
        }

        await Task.Delay(1000);
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {await stderr} {await stdout}");
        Assert.Contains("cancelled", await stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_dir), p => p.Contains(".upres-", StringComparison.Ordinal));
    }
}
