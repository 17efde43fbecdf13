using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Tests.Pipeline;

public class OutputPlannerTests
{
    private static MediaInfo Info(int width = 96, int height = 64, int rotation = 0, int bitDepth = 8, string? sar = null, string? fieldOrder = null) =>
        new("mov,mp4", TimeSpan.FromSeconds(2), 1000,
        [
            new MediaStream(0, StreamKind.Video, "h264", width, height, 25, 50, bitDepth > 8 ? "yuv420p10le" : "yuv420p", bitDepth, rotation,
                sar, null, null, null, null, fieldOrder, 0, null, false) { FrameRateFraction = "25/1" },
        ], 0);

    private static UpscaleRequest Request(string output = "/tmp/out.mp4") => new() { InputPath = "/tmp/in.mp4", OutputPath = output };

    [Theory]
    [InlineData(VideoCodec.ProRes, ContainerFormat.Webm)]
    [InlineData(VideoCodec.H264, ContainerFormat.Webm)]
    [InlineData(VideoCodec.H265, ContainerFormat.Webm)]
    [InlineData(VideoCodec.ProRes, ContainerFormat.Mp4)]
    [InlineData(VideoCodec.Vp9, ContainerFormat.Mov)]
    [InlineData(VideoCodec.H265, ContainerFormat.Avi)]
    [InlineData(VideoCodec.Vp9, ContainerFormat.Avi)]
    public void Impossible_codec_and_container_pairs_are_refused(VideoCodec codec, ContainerFormat container)
    {
        var e = Assert.Throws<UpscaleException>(() => OutputPlanner.Plan(Request() with { Codec = codec, Container = container }, Info(), 2));

        Assert.Equal("unsupported_container_codec", e.Code);
    }

    [Theory]
    [InlineData("/tmp/out.webm", VideoCodec.Vp9, ContainerFormat.Webm)]
    [InlineData("/tmp/out.MKV", VideoCodec.ProRes, ContainerFormat.Mkv)]
    [InlineData("/tmp/out.mov", VideoCodec.ProRes, ContainerFormat.Mov)]
    [InlineData("/tmp/out.mp4", VideoCodec.Av1, ContainerFormat.Mp4)]
    [InlineData("/tmp/out.AVI", VideoCodec.H264, ContainerFormat.Avi)]
    public void The_container_follows_the_output_extension(string output, VideoCodec codec, ContainerFormat expected)
    {
        Assert.Equal(expected, OutputPlanner.Plan(Request(output) with { Codec = codec }, Info(), 2).Container);
    }

    [Fact]
    public void An_unknown_extension_is_refused()
    {
        Assert.Equal("unsupported_container", Assert.Throws<UpscaleException>(() => OutputPlanner.Plan(Request("/tmp/out.flv"), Info(), 2)).Code);
    }

    [Fact]
    public void A_file_without_video_is_refused()
    {
        var audioOnly = new MediaInfo("wav", TimeSpan.FromSeconds(1), 10,
            [new MediaStream(0, StreamKind.Audio, "pcm_s16le", 0, 0, 0, null, null, 0, 0, null, null, null, null, null, null, 2, null, false)], 0);

        Assert.Equal("no_video_stream", Assert.Throws<UpscaleException>(() => OutputPlanner.Plan(Request(), audioOnly, 2)).Code);
    }

    [Theory]
    [InlineData(0, null, null, 8, 0, 0)]
    [InlineData(null, 0, null, 8, 0, 0)]
    [InlineData(null, null, -1L, 8, 0, 0)]
    [InlineData(null, null, null, 52, 0, 0)]
    [InlineData(null, null, null, null, 4, 0)]
    [InlineData(null, null, null, null, 0, 101)]
    public void Out_of_range_options_are_invalid_requests(int? scale, int? width, long? start, int? crf, int denoise, int grain)
    {
        var request = Request() with { Scale = scale, Width = width, StartMs = start, Crf = crf, Denoise = denoise, FilmGrain = grain };

        Assert.Equal("invalid_request", Assert.Throws<UpscaleException>(() => OutputPlanner.Plan(request, Info(), 2)).Code);
    }

    [Fact]
    public void Model_scale_sets_the_size_and_a_different_requested_scale_resizes_after_SR()
    {
        var model = OutputPlanner.Plan(Request(), Info(), 4);
        var requested = OutputPlanner.Plan(Request() with { Scale = 3 }, Info(), 4);

        Assert.Equal((384, 256), (model.OutputWidth, model.OutputHeight));
        Assert.DoesNotContain(model.EncodeFilters, f => f.Contains("lanczos", StringComparison.Ordinal));
        Assert.Equal((288, 192), (requested.OutputWidth, requested.OutputHeight));
        Assert.Contains("scale=288:192:flags=lanczos", requested.EncodeFilters);
    }

    [Theory]
    [InlineData(FitMode.Pad, 300, 300, "pad=300:300")]
    [InlineData(FitMode.Crop, 300, 300, "crop=300:300")]
    [InlineData(FitMode.Stretch, 301, 299, "scale=302:300:flags=lanczos")]
    public void Exact_sizes_fit_by_pad_crop_or_stretch_and_are_always_even(FitMode fit, int width, int height, string filter)
    {
        var plan = OutputPlanner.Plan(Request() with { Width = width, Height = height, Fit = fit }, Info(), 2);

        Assert.Contains(plan.EncodeFilters, f => f.StartsWith(filter, StringComparison.Ordinal));
        Assert.Equal(0, plan.OutputWidth % 2);
        Assert.Equal(0, plan.OutputHeight % 2);
    }

    [Fact]
    public void One_given_dimension_keeps_the_aspect_ratio()
    {
        var plan = OutputPlanner.Plan(Request() with { Width = 300 }, Info(), 2);

        Assert.Equal((300, 200), (plan.OutputWidth, plan.OutputHeight));
    }

    [Fact]
    public void Rotation_is_applied_to_the_pixels_so_the_model_sees_the_upright_picture()
    {
        var plan = OutputPlanner.Plan(Request(), Info(rotation: 90), 2);

        Assert.Equal((64, 96), (plan.DecodedWidth, plan.DecodedHeight));
        Assert.Contains(plan.Warnings, w => w.Contains("rotation", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(VideoCodec.H265, 10, "yuv420p10le")]
    [InlineData(VideoCodec.Vp9, 10, "yuv420p10le")]
    [InlineData(VideoCodec.Av1, 10, "yuv420p10le")]
    [InlineData(VideoCodec.ProRes, 8, "yuv422p10le")]
    [InlineData(VideoCodec.H264, 10, "yuv420p")]
    [InlineData(VideoCodec.H265, 8, "yuv420p")]
    public void Deep_sources_go_through_rgb48_and_out_as_10_bit_where_the_codec_can(VideoCodec codec, int depth, string pixelFormat)
    {
        var plan = OutputPlanner.Plan(Request("/tmp/o.mkv") with { Codec = codec }, Info(bitDepth: depth), 2);

        Assert.Equal(pixelFormat, plan.OutputPixelFormat);
        Assert.Equal(depth > 8, plan.SixteenBitPipe);
    }

    [Fact]
    public void Preprocessing_runs_before_SR_and_grain_after_it()
    {
        var plan = OutputPlanner.Plan(Request() with { Deinterlace = true, Denoise = 2, MaxFps = 12, FilmGrain = 50 }, Info(), 2);

        Assert.StartsWith("bwdif", plan.DecodeFilters[0], StringComparison.Ordinal);
        Assert.Contains(plan.DecodeFilters, f => f.StartsWith("select=", StringComparison.Ordinal));
        Assert.Contains(plan.DecodeFilters, f => f.StartsWith("hqdn3d", StringComparison.Ordinal));
        Assert.Contains(plan.EncodeFilters, f => f.StartsWith("noise=", StringComparison.Ordinal));
        Assert.Equal("12", plan.NominalFrameRate);
        Assert.Equal(24, plan.EstimatedFrames);
    }

    [Fact]
    public void Interlaced_sources_get_a_note_unless_deinterlacing()
    {
        Assert.Contains(OutputPlanner.Plan(Request(), Info(fieldOrder: "tt"), 2).Warnings, w => w.Contains("interlaced", StringComparison.Ordinal));
        Assert.Empty(OutputPlanner.Plan(Request() with { Deinterlace = true }, Info(fieldOrder: "tt"), 2).Warnings);
        Assert.Empty(OutputPlanner.Plan(Request(), Info(fieldOrder: "progressive"), 2).Warnings);
    }

    [Fact]
    public void A_denoising_model_replaces_the_classical_denoiser()
    {
        var plan = OutputPlanner.Plan(Request() with { Denoise = 2 }, Info(), 2, modelDenoises: true);

        Assert.DoesNotContain(plan.DecodeFilters, f => f.StartsWith("hqdn3d", StringComparison.Ordinal));
    }

    [Fact]
    public void Sample_aspect_ratio_is_kept_and_turns_with_the_picture()
    {
        Assert.Contains("setsar=2/1", OutputPlanner.Plan(Request(), Info(sar: "2:1"), 2).EncodeFilters);
        Assert.Contains("setsar=1/2", OutputPlanner.Plan(Request(), Info(sar: "2:1", rotation: 270), 2).EncodeFilters);
    }

    private static readonly Dictionary<string, (UpscaleRequest Request, MediaInfo Probe)> Cases = BuildCases();

    public static TheoryData<string> Matrix => new(Cases.Keys);

    private static Dictionary<string, (UpscaleRequest, MediaInfo)> BuildCases()
    {
        var source = Source(97, 65, 30000, 1001, frames: null, seconds: 3.2);
        var upright = Source(160, 90, 25, 1, frames: 80, seconds: 3.2);
        var turned = Source(160, 90, 25, 1, frames: 80, seconds: 3.2, rotation: 90);
        return new(StringComparer.Ordinal)
        {
            ["scale 2"] = (Request() with { Scale = 2 }, upright),
            ["scale 3 odd"] = (Request() with { Scale = 3 }, source),
            ["scale 4 odd"] = (Request() with { Scale = 4 }, source),
            ["width only odd"] = (Request() with { Width = 301 }, source),
            ["height only odd"] = (Request() with { Height = 199 }, source),
            ["short side"] = (Request() with { ShortSide = 720 }, upright),
            ["short side turned"] = (Request() with { ShortSide = 720 }, turned),
            ["rotation 90 scale 2"] = (Request() with { Scale = 2 }, turned),
            ["fps cap"] = (Request() with { Scale = 2, MaxFps = 12 }, source),
            ["trim"] = (Request() with { Scale = 2, StartMs = 500, DurationMs = 1234 }, source),
            ["trim past the end"] = (Request() with { Scale = 2, StartMs = 3000, DurationMs = 5000 }, upright),
            ["interpolation"] = (Request() with { Scale = 2, TargetFps = 60 }, source),
            ["exact size cropped"] = (Request() with { Width = 640, Height = 640, Fit = FitMode.Crop }, source),
        };
    }

    private static MediaInfo Source(int width, int height, int rateNumerator, int rateDenominator, long? frames, double seconds, int rotation = 0) =>
        new("mov,mp4,m4a,3gp,3g2,mj2", TimeSpan.FromSeconds(seconds), 1000,
        [
            new MediaStream(0, StreamKind.Video, "h264", width, height, (double)rateNumerator / rateDenominator, frames, "yuv420p", 8, rotation,
                null, null, null, null, null, "progressive", 0, null, false) { FrameRateFraction = $"{rateNumerator}/{rateDenominator}" },
        ], 0);

    /// The requests a service job can make, on sources with odd sizes, a quarter turn, a fraction
    /// rate and no frame count: the plan a caller stores is the plan every run of the same request
    /// on the same probe makes, whatever the model's scale (the run is held to it).
    [Theory]
    [MemberData(nameof(Matrix))]
    public void The_stored_plan_is_the_plan_every_run_makes(string name)
    {
        var (request, probe) = Cases[name];
        var stored = OutputPlanner.Plan(request, probe);
        var run = request with { Plan = stored, MaxFrames = stored.Frames };

        foreach (var modelScale in new[] { 1, 2, 4 })
        {
            Assert.True(stored == OutputPlanner.Plan(run, probe, modelScale).Output, $"{name}, model x{modelScale}");
        }

        Assert.True(stored.Width % 2 == 0 && stored.Height % 2 == 0, name);
    }

    [Fact]
    public void The_plan_says_size_rate_duration_and_frames_as_the_run_makes_them()
    {
        var odd = Source(97, 65, 30000, 1001, frames: null, seconds: 3.2);
        var turned = Source(160, 90, 25, 1, frames: 80, seconds: 3.2, rotation: 90);

        Assert.Equal(new PlannedOutput(292, 196, 30000 / 1001.0, TimeSpan.FromSeconds(3.2), 96, 97, 65, 30000 / 1001.0),
            OutputPlanner.Plan(Request() with { Scale = 3 }, odd));
        Assert.Equal(new PlannedOutput(180, 320, 25, TimeSpan.FromSeconds(3.2), 80, 90, 160, 25), OutputPlanner.Plan(Request() with { Scale = 2 }, turned));
        Assert.Equal((720, 1280), Size(OutputPlanner.Plan(Request() with { ShortSide = 720 }, turned)));
        Assert.Equal((302, 202), Size(OutputPlanner.Plan(Request() with { Width = 301 }, odd)));
        var capped = OutputPlanner.Plan(Request() with { Scale = 2, MaxFps = 12, StartMs = 500, DurationMs = 1234 }, odd);
        Assert.Equal((12.0, TimeSpan.FromMilliseconds(1234), 15L), (capped.FrameRate, capped.Duration, capped.Frames));
        var interpolated = OutputPlanner.Plan(Request() with { Scale = 2, TargetFps = 60 }, odd);
        Assert.Equal((60.0, 192L), (interpolated.FrameRate, interpolated.Frames));
    }

    private static (int, int) Size(PlannedOutput plan) => (plan.Width, plan.Height);

    [Fact]
    public void A_run_that_would_make_something_else_than_the_stored_plan_is_refused()
    {
        var stored = OutputPlanner.Plan(Request() with { Scale = 2 }, Info());

        var e = Assert.Throws<UpscaleException>(() => OutputPlanner.Plan(Request() with { Scale = 3, Plan = stored }, Info(), 4));

        Assert.Equal(UpscaleErrorCodes.PlanMismatch, e.Code);
    }

    [Fact]
    public void A_trim_that_starts_after_the_end_is_refused_before_any_decode()
    {
        Assert.Equal(UpscaleErrorCodes.NoFrames,
            Assert.Throws<UpscaleException>(() => OutputPlanner.Plan(Request() with { Scale = 2, StartMs = 2000 }, Info())).Code);
    }

    [Fact]
    public void Check_refuses_a_pair_the_container_cannot_carry_without_an_input()
    {
        Assert.Equal(UpscaleErrorCodes.UnsupportedContainerCodec,
            Assert.Throws<UpscaleException>(() => OutputPlanner.Check(Request() with { Codec = VideoCodec.Vp9, Container = ContainerFormat.Mov })).Code);
        OutputPlanner.Check(Request() with { Codec = VideoCodec.Vp9, Container = ContainerFormat.Mkv });
    }
}
