using Upres.Engine.Imaging;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Xunit.Abstractions;

namespace Upres.Engine.Tests.Pipeline;

/// One video cut into frame ranges, each upscaled on its own and joined, equals the single run:
/// decoded frame i of both at >= 40 dB for every i, the same frame times, duration and audio.
public sealed class SegmentedUpscaleTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string? Root = TestData.VideosDirectory;
    private readonly TestClips _clips = new();

    public void Dispose() => _clips.Dispose();

    /// The demo clip of Real-ESRGAN (23.976 fps, B-frames, AAC), made smaller and given a keyframe every two seconds.
    private Task<string> AnimeClipAsync(string size = "320x240") =>
        _clips.MakeAsync($"onepiece-{size}.mp4", "-i", Path.Combine(Root!, "real-esrgan/onepiece_demo.mp4"),
            "-vf", "scale=" + size.Replace('x', ':'), "-c:v", "libx264", "-preset", "ultrafast", "-g", "48", "-bf", "2", "-c:a", "copy");

    private static VideoUpscaler Bicubic() => new(r => new BicubicUpscaler(r.Scale ?? 2));

    private UpscaleRequest Request(string input, string name) =>
        new() { InputPath = input, OutputPath = _clips.PathFor(name), Scale = 2, Preset = "ultrafast", Crf = 16 };

    [RealFileFact]
    public async Task A_constant_rate_clip_cut_at_odd_frames_joins_into_the_single_run()
    {
        var input = await AnimeClipAsync();
        var request = Request(input, "single.mp4");

        var timeline = await Bicubic().ReadTimelineAsync(request, CancellationToken.None);

        Assert.Equal(181, timeline.Count);
        await AssertSplitMatchesSingleAsync(Bicubic(), request, timeline, timeline.SplitAt([37, 38, 101]));
    }

    [RealFileFact]
    public async Task A_variable_rate_clip_keeps_every_frame_time_across_the_seams()
    {
        // A phone recording with irregular frame times, made small; the times are carried over as they are.
        var input = await _clips.MakeAsync("vfr.mkv", "-i", Path.Combine(Root!, "mediabunny/cursed-vfr.mp4"),
            "-vf", "scale=384:176", "-fps_mode", "passthrough", "-enc_time_base", "-1", "-c:v", "libx264", "-preset", "ultrafast", "-g", "10");
        var request = Request(input, "single-vfr.mkv");

        var timeline = await Bicubic().ReadTimelineAsync(request, CancellationToken.None);

        Assert.False(FrameTimestamps.IsConstantRate(timeline.Seconds, timeline.NominalRate));
        await AssertSplitMatchesSingleAsync(Bicubic(), request, timeline, timeline.SplitAt([13, 14, 40]));
    }

    [RealFileFact]
    public async Task A_trimmed_plan_is_cut_on_its_own_frames()
    {
        var input = await AnimeClipAsync();
        var request = Request(input, "single-trim.mkv") with { StartMs = 1310, DurationMs = 3000 };

        var timeline = await Bicubic().ReadTimelineAsync(request, CancellationToken.None);

        Assert.InRange(timeline.Count, 71, 73);
        await AssertSplitMatchesSingleAsync(Bicubic(), request, timeline, timeline.SplitAt([1, 35, 36, 70]));
    }

    [RealFileFact]
    public async Task A_frame_rate_cap_keeps_the_same_frames_in_every_segment()
    {
        var input = await AnimeClipAsync();
        var request = Request(input, "single-cap.mp4") with { MaxFps = 10, StartMs = 500 };

        var timeline = await Bicubic().ReadTimelineAsync(request, CancellationToken.None);

        Assert.InRange(timeline.Count, 70, 72);
        await AssertSplitMatchesSingleAsync(Bicubic(), request, timeline, timeline.Split(4));
    }

    [RealFileFact]
    public async Task Deinterlace_and_denoise_see_the_frames_before_a_seam()
    {
        var input = await AnimeClipAsync();
        var request = Request(input, "single-filtered.mkv") with { DurationMs = 2500, Deinterlace = true, Denoise = 2 };

        var timeline = await Bicubic().ReadTimelineAsync(request, CancellationToken.None);

        await AssertSplitMatchesSingleAsync(Bicubic(), request, timeline, timeline.SplitAt([30, 49]));
    }

    [RealFileFact]
    public async Task The_real_model_split_in_three_matches_its_single_run()
    {
        var input = await AnimeClipAsync("128x96");
        using var engine = UpscaleEngine.Create(new EngineOptions { Threads = 2 });
        var request = Request(input, "single-model.mp4") with { Model = "realesr-animevideov3-x2", StartMs = 2000, DurationMs = 420 };

        var timeline = await engine.ReadTimelineAsync(request, CancellationToken.None);

        Assert.Equal(11, timeline.Count);
        await AssertSplitMatchesSingleAsync(engine, request, timeline, timeline.SplitAt([3, 7]));
    }

    [RealFileFact]
    public async Task A_join_with_a_missing_range_is_refused()
    {
        var input = await AnimeClipAsync();
        var request = Request(input, "gap.mp4") with { DurationMs = 500 };
        var upscaler = Bicubic();
        var timeline = await upscaler.ReadTimelineAsync(request, CancellationToken.None);
        var ranges = timeline.Split(3);
        var first = await upscaler.UpscaleSegmentAsync(request, timeline, ranges[0], _clips.PathFor("s0.mkv"), null, CancellationToken.None);
        var last = await upscaler.UpscaleSegmentAsync(request, timeline, ranges[2], _clips.PathFor("s2.mkv"), null, CancellationToken.None);

        var e = await Assert.ThrowsAsync<UpscaleException>(() => upscaler.JoinSegmentsAsync(request, timeline, [first, last], CancellationToken.None));

        Assert.Equal(UpscaleErrorCodes.SegmentMismatch, e.Code);
        Assert.False(File.Exists(request.OutputPath));
    }

    [Fact]
    public void A_timeline_survives_its_json_and_splits_into_ranges_that_cover_it_once()
    {
        var timeline = new FrameTimeline { OriginSeconds = 1.5, Seconds = [0, 0.04, 0.1, 0.1400001, 0.2], NominalRate = 25 };

        var copy = FrameTimeline.FromJson(timeline.ToJson());

        Assert.Equal(timeline.Seconds, copy.Seconds);
        Assert.Equal((1.5, 25.0), (copy.OriginSeconds, copy.NominalRate));
        Assert.Equal([new(0, 1), new(1, 2), new(3, 2)], timeline.Split(3));
        Assert.Equal([new(0, 2), new(2, 3)], timeline.SplitAt([2]));
        Assert.Single(timeline.Split(50), r => r.First == 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => timeline.SplitAt([5]));
    }

    [Fact]
    public void A_cut_never_falls_between_two_frames_of_the_same_time()
    {
        var timeline = new FrameTimeline { OriginSeconds = 0, Seconds = [0, 0.04, 0.04, 0.04, 0.16, 0.2], NominalRate = 25 };

        Assert.Equal([new(0, 4), new(4, 2)], timeline.Split(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => timeline.SplitAt([2]));
    }

    private async Task AssertSplitMatchesSingleAsync(
        IVideoUpscaler upscaler, UpscaleRequest request, FrameTimeline timeline, IReadOnlyList<FrameRange> ranges)
    {
        var single = await upscaler.UpscaleAsync(request, null, CancellationToken.None);
        var segments = new List<VideoSegment>();
        // Out of order, as independent workers would finish them.
        foreach (var range in ranges.Reverse())
        {
            segments.Add(await upscaler.UpscaleSegmentAsync(
                request, timeline, range, _clips.PathFor($"segment-{range.First}.mkv"), null, CancellationToken.None));
        }

        var joinedRequest = request with { OutputPath = _clips.PathFor("joined-" + Path.GetFileName(request.OutputPath)) };
        var joined = await upscaler.JoinSegmentsAsync(joinedRequest, timeline, segments, CancellationToken.None);

        Assert.Equal(single.Frames, joined.Frames);
        Assert.Equal(timeline.Count, joined.Frames);
        var singleFrames = await DecodeAsync(single.OutputPath, single.Width, single.Height);
        var joinedFrames = await DecodeAsync(joined.OutputPath, joined.Width, joined.Height);
        Assert.Equal(timeline.Count, singleFrames.Count);
        Assert.Equal(timeline.Count, joinedFrames.Count);
        var psnr = singleFrames.Zip(joinedFrames, Psnr).ToList();
        var worst = psnr.Select((p, i) => (p, i)).MinBy(x => x.p);
        output.WriteLine($"{timeline.Count} frames in {ranges.Count} segments; worst frame {worst.i} at {worst.p:0.0} dB");
        Assert.All(psnr, p => Assert.True(p >= 40, $"a frame of the split run is at {p:0.0} dB (worst: frame {worst.i})"));

        var singleTimes = await TestClips.FrameTimesAsync(single.OutputPath);
        var joinedTimes = await TestClips.FrameTimesAsync(joined.OutputPath);
        Assert.Equal(singleTimes.Length, joinedTimes.Length);
        Assert.All(singleTimes.Zip(joinedTimes), p => Assert.Equal(p.First, p.Second, 0.0021));
        Assert.Equal(single.Duration.TotalSeconds, joined.Duration.TotalSeconds, 0.0021);
        var singleInfo = await new FfprobeClient().ProbeAsync(single.OutputPath, CancellationToken.None);
        var joinedInfo = await new FfprobeClient().ProbeAsync(joined.OutputPath, CancellationToken.None);
        Assert.Equal(singleInfo.Audio.Count(), joinedInfo.Audio.Count());
        foreach (var (a, b) in singleInfo.Audio.Zip(joinedInfo.Audio))
        {
            Assert.Equal(a.Duration?.TotalSeconds ?? 0, b.Duration?.TotalSeconds ?? 0, 0.0021);
            Assert.Equal(a.StartTime?.TotalSeconds ?? 0, b.StartTime?.TotalSeconds ?? 0, 0.0021);
        }
    }

    private static async Task<List<byte[]>> DecodeAsync(string path, int width, int height)
    {
        var size = width * height * 3;
        var frames = new List<byte[]>();
        await using var decoder = ProcessRunner.Start("ffmpeg",
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", path, "-map", "0:v:0", "-fps_mode", "passthrough",
             "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
            new ProcessOptions { CaptureStandardOutput = false });
        while (true)
        {
            var frame = new byte[size];
            if (await decoder.StandardOutput.ReadAtLeastAsync(frame, size, throwOnEndOfStream: false) < size)
            {
                break;
            }

            frames.Add(frame);
        }

        await decoder.WaitAsync(CancellationToken.None);
        return frames;
    }

    private static double Psnr(byte[] a, byte[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }

        var mse = sum / a.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    private sealed class RealFileFactAttribute : FactAttribute
    {
        public RealFileFactAttribute()
        {
            if (Root is null)
            {
                Skip = "../shared/testdata/videos is absent";
            }
        }
    }
}
