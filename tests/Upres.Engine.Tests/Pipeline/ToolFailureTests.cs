using Upres.Engine.Imaging;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Tests.Pipeline;

/// An ffmpeg that fails at one step (a wrapper script) must surface as that step's code with ffmpeg's own words.
public sealed class ToolFailureTests : IDisposable
{
    private readonly TestClips _clips = new();

    [Theory]
    [InlineData("*pipe:1*", "decode_failed")]
    [InlineData("*pipe:0*", "encode_failed")]
    [InlineData("*-itsoffset*", "mux_failed")]
    public async Task A_failing_ffmpeg_step_is_reported_with_its_code_and_stderr_and_leaves_nothing_behind(string step, string code)
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.4);
        var wrapper = _clips.PathFor("ffmpeg-wrapper.sh");
        await File.WriteAllTextAsync(wrapper,
            $"#!/bin/sh\ncase \"$*\" in {step}) head -c 1000 >/dev/null 2>&1; echo 'Something went wrong: Invalid data found' >&2; exit 1;; esac\nexec ffmpeg \"$@\"\n");
        await ProcessRunner.RunAsync("chmod", ["+x", wrapper], CancellationToken.None);
        // Started once here, where a "Text file busy" can be waited out (see CopiedExecutable).
        using (var probe = await CopiedExecutable.StartAsync(new System.Diagnostics.ProcessStartInfo(wrapper, "-version") { RedirectStandardOutput = true }))
        {
            await probe.StandardOutput.ReadToEndAsync();
            await probe.WaitForExitAsync();
        }
        var output = _clips.PathFor("broken.mp4");
        var upscaler = new VideoUpscaler(_ => new NearestUpscaler(2), options: new VideoUpscalerOptions { FfmpegPath = wrapper });

        var e = await Assert.ThrowsAsync<UpscaleException>(() =>
            upscaler.UpscaleAsync(new UpscaleRequest { InputPath = input, OutputPath = output }, null, CancellationToken.None));

        Assert.Equal(code, e.Code);
        Assert.Contains("Invalid data found", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_clips.Directory), p => p.Contains(".upres-", StringComparison.Ordinal));
        Assert.Empty(VideoUpscalerTests.ChildProcessesMentioning(_clips.Directory));
    }

    public void Dispose() => _clips.Dispose();
}
