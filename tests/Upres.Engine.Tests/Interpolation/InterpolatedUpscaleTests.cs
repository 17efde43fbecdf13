using System.Globalization;
using Upres.Engine.Imaging;
using Upres.Engine.Interpolation;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Engine.Tests.Pipeline;
using Xunit.Abstractions;

namespace Upres.Engine.Tests.Interpolation;

/// --fps end to end on tiny clips with the real RIFE model: the frame count and duration are exact,
/// the audio stays, a scene cut repeats a frame instead of blending two shots, and a
/// variable-frame-rate source needs its own opt-in.
public sealed class InterpolatedUpscaleTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestClips _clips = new();
    private readonly UpscaleEngine _engine = UpscaleEngine.Create(new EngineOptions { Threads = 2 });

    public void Dispose()
    {
        _engine.Dispose();
        _clips.Dispose();
    }

    [Fact]
    public async Task Thirty_fps_becomes_sixty_with_the_same_duration_and_its_audio()
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.4, size: "64x48", rate: "30");

        var result = await _engine.UpscaleAsync(new UpscaleRequest
        {
            InputPath = input, OutputPath = _clips.PathFor("x2-60.mp4"), Model = UpscaleEngine.NoSuperResolution, Scale = 2, TargetFps = 60,
            // Priced as 24 output frames: the decoder's budget is counted on the source's 30 fps clock.
            MaxFrames = 24,
        }, null, CancellationToken.None);

        Assert.Equal((128, 96), (result.Width, result.Height));
        Assert.Equal(24, result.Frames);
        Assert.Equal(11, result.InterpolatedFrames);
        Assert.Equal(0, result.SceneCuts);
        var info = await new FfprobeClient().ProbeAsync(result.OutputPath, CancellationToken.None);
        Assert.Equal(60, info.Video!.FrameRate, 0);
        Assert.Single(info.Audio);
        var times = await TestClips.FrameTimesAsync(result.OutputPath);
        Assert.Equal(24, times.Length);
        Assert.All(times.Select((t, j) => (t, j)), p => Assert.Equal(times[0] + (p.j / 60.0), p.t, 3));
        var audio = info.Audio.Single();
        Assert.True(audio.Duration is { } d && Math.Abs(d.TotalSeconds - 0.4) < 0.05, $"audio lasts {audio.Duration}");
    }

    [Fact]
    public async Task A_source_longer_than_the_priced_output_frames_is_refused()
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.4, size: "64x48", rate: "30");

        // 10 output frames at 60 fps are 5 source frames (8 with the slack); the clip holds 12.
        var e = await Assert.ThrowsAsync<UpscaleException>(() => _engine.UpscaleAsync(new UpscaleRequest
        {
            InputPath = input, OutputPath = _clips.PathFor("over.mp4"), Model = UpscaleEngine.NoSuperResolution, TargetFps = 60, MaxFrames = 10,
        }, null, CancellationToken.None));

        Assert.Equal(UpscaleErrorCodes.FramesExceedDeclared, e.Code);
    }

    [Fact]
    public async Task Twenty_four_fps_becomes_sixty_with_in_between_frames_at_fifths()
    {
        // 12 frames = 0.5 s: 30 frames at 60 fps; 6 fall on source frames, the last 2 past frame 11 hold it, 22 are made.
        var input = await _clips.MakeAsync("24.mkv", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=24", "-frames:v", "12",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p");

        var result = await _engine.UpscaleAsync(new UpscaleRequest
        {
            InputPath = input, OutputPath = _clips.PathFor("24-60.mkv"), Model = UpscaleEngine.NoSuperResolution, Scale = 1, TargetFps = 60,
        }, null, CancellationToken.None);

        Assert.Equal(30, result.Frames);
        Assert.Equal(22, result.InterpolatedFrames);
        Assert.Equal(0.5, result.Duration.TotalSeconds, 2);
        Assert.Equal(30, (await TestClips.FrameTimesAsync(result.OutputPath)).Length);
    }

    [Fact]
    public async Task A_hard_cut_repeats_the_nearer_frame_and_never_blends_the_two_shots()
    {
        // 9 frames of testsrc, then 9 of SMPTE bars, at 30 fps, losslessly; doubled to 60 fps, output
        // frame 17 falls halfway between the last frame of one shot and the first of the next.
        var input = await _clips.MakeAsync("cut.mkv",
            "-f", "lavfi", "-i", "testsrc=size=64x48:rate=30", "-f", "lavfi", "-i", "smptebars=size=64x48:rate=30",
            "-filter_complex", "[0:v]trim=duration=0.3[a];[1:v]trim=duration=0.3,setpts=PTS-STARTPTS[b];[a][b]concat=n=2:v=1:a=0",
            "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p");

        var result = await _engine.UpscaleAsync(new UpscaleRequest
        {
            InputPath = input, OutputPath = _clips.PathFor("cut-60.mkv"), Model = UpscaleEngine.NoSuperResolution, Scale = 1, TargetFps = 60,
            Crf = 0, HeldFrames = HeldFramePolicy.Off,
        }, null, CancellationToken.None);

        Assert.Equal(36, result.Frames);
        var source = await FramesAsync(input, "src");
        var frames = await FramesAsync(result.OutputPath, "out");
        Assert.Equal(36, frames.Count);
        for (var j = 14; j <= 20; j++)
        {
            var lastOfFirstShot = ImageMetrics.Psnr(frames[j], source[8]);
            var firstOfSecondShot = ImageMetrics.Psnr(frames[j], source[9]);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"output {j}: {lastOfFirstShot:0.0} dB vs the first shot's last frame, {firstOfSecondShot:0.0} dB vs the second's first"));
            // Every frame is one shot or the other, never a mix of both.
            Assert.True(Math.Abs(lastOfFirstShot - firstOfSecondShot) > 10, $"output frame {j} resembles both shots");
        }

        // Frame 16 is source frame 8 at its own time and 18 is source frame 9, through the same
        // colour conversions: the frame at the cut repeats 16 exactly, and is nothing like 18.
        Assert.True(ImageMetrics.Psnr(frames[17], frames[16]) > 50, $"the frame at the cut is {ImageMetrics.Psnr(frames[17], frames[16]):0.0} dB from the nearer source frame");
        Assert.True(ImageMetrics.Psnr(frames[17], source[8]) > 20 && ImageMetrics.Psnr(frames[18], source[9]) > 20, "the shots are in order");
        Assert.Equal(1, result.SceneCuts);
        Assert.Equal(16, result.InterpolatedFrames);
    }

    [Fact]
    public async Task A_variable_frame_rate_source_is_refused_without_the_opt_in_and_converted_with_it()
    {
        // 30 fps frames with a 0.2 s gap after the eighth: r_frame_rate 30, average 18.
        var input = await _clips.MakeAsync("vfr.mp4", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=30", "-t", "0.5",
            "-vf", "setpts='PTS+gte(N\\,8)*0.2/TB'", "-fps_mode", "passthrough", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p");
        var request = new UpscaleRequest
        {
            InputPath = input, OutputPath = _clips.PathFor("vfr-60.mkv"), Model = UpscaleEngine.NoSuperResolution, Scale = 1, TargetFps = 36,
        };

        var refused = await Assert.ThrowsAsync<UpscaleException>(() => _engine.UpscaleAsync(request, null, CancellationToken.None));
        Assert.Equal(UpscaleErrorCodes.VariableFrameRate, refused.Code);
        Assert.False(File.Exists(request.OutputPath));

        var result = await _engine.UpscaleAsync(request with { InterpolateVfr = true }, null, CancellationToken.None);
        var info = await new FfprobeClient().ProbeAsync(input, CancellationToken.None);
        Assert.Equal("36/1", (await new FfprobeClient().ProbeAsync(result.OutputPath, CancellationToken.None)).Video!.FrameRateFraction);
        Assert.True(Math.Abs(result.Duration.TotalSeconds - info.Video!.Duration!.Value.TotalSeconds) < 0.06,
            $"{result.Duration} vs the source's {info.Video.Duration}");
    }

    [Fact]
    public async Task An_interpolated_request_cannot_be_cut_into_segments()
    {
        var request = new UpscaleRequest { InputPath = "in.mp4", OutputPath = "out.mp4", TargetFps = 60 };

        var e = await Assert.ThrowsAsync<UpscaleException>(() => _engine.ReadTimelineAsync(request, CancellationToken.None));

        Assert.Equal(UpscaleErrorCodes.NotSegmentable, e.Code);
    }

    [Fact]
    public async Task Fps_and_a_frame_rate_cap_together_are_refused()
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.1, size: "64x48");

        var e = await Assert.ThrowsAsync<UpscaleException>(() => _engine.UpscaleAsync(new UpscaleRequest
        {
            InputPath = input, OutputPath = _clips.PathFor("both.mp4"), Model = UpscaleEngine.NoSuperResolution, TargetFps = 60, MaxFps = 30,
        }, null, CancellationToken.None));

        Assert.Equal(UpscaleErrorCodes.InvalidRequest, e.Code);
    }

    private async Task<List<PlanarImage>> FramesAsync(string video, string prefix)
    {
        var folder = Directory.CreateDirectory(_clips.PathFor(prefix)).FullName;
        await ProcessRunner.RunAsync("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", video, "-fps_mode", "passthrough",
            Path.Combine(folder, "%03d.png")], CancellationToken.None);
        var frames = new List<PlanarImage>();
        foreach (var file in Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal))
        {
            frames.Add(await ImageFile.ReadAsync(file));
        }

        return frames;
    }
}
