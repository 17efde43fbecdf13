using Upres.Engine.Imaging;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Engine.Tests.Media;
using Xunit.Abstractions;

namespace Upres.Engine.Tests.Pipeline;

/// HitPaw's colour and low-light models are ffmpeg filters on the decoded frames of the one
/// processing pass. They used to be a separate transcode of the input (H.264 at CRF 12) before
/// the job; the one pass must look like that result, less its extra lossy generation.
public sealed class ClassicalFilterTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestClips _clips = new();

    public void Dispose() => _clips.Dispose();

    private UpscaleRequest Request(string input, string name, ClassicalFilter filter) =>
        new() { InputPath = input, OutputPath = _clips.PathFor(name), Scale = 2, Preset = "ultrafast", Crf = 16, Filter = filter };

    private static VideoUpscaler Bicubic() => new(r => new BicubicUpscaler(r.Scale ?? 2));

    [Theory]
    [InlineData(ClassicalFilter.ColorEnhance)]
    [InlineData(ClassicalFilter.LowLight)]
    public async Task The_filter_in_the_one_pass_matches_the_old_filtered_copy_upscaled(ClassicalFilter filter)
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.8);
        // What the dialect used to do in the create request: a filtered, re-encoded copy of the input.
        var copy = await _clips.MakeAsync("filtered.mp4", "-i", input, "-vf", string.Join(',', FfmpegArguments.Graph(filter)),
            "-map", "0:v:0", "-map", "0:a?", "-c:v", "libx264", "-preset", "veryfast", "-crf", "12", "-pix_fmt", "yuv420p", "-c:a", "aac");

        var twoPass = await Bicubic().UpscaleAsync(Request(copy, "two-pass.mkv", ClassicalFilter.None), null, CancellationToken.None);
        var onePass = await Bicubic().UpscaleAsync(Request(input, "one-pass.mkv", filter), null, CancellationToken.None);
        var unfiltered = await Bicubic().UpscaleAsync(Request(input, "plain.mkv", ClassicalFilter.None), null, CancellationToken.None);

        var same = (await VideoPsnr.MeasureAsync(onePass.OutputPath, twoPass.OutputPath)).Average;
        var changed = (await VideoPsnr.MeasureAsync(onePass.OutputPath, unfiltered.OutputPath)).WorstPlane;
        output.WriteLine($"{filter}: one pass vs the old two passes {same:F2} dB; vs no filter {changed:F2} dB");
        Assert.Equal(twoPass.Frames, onePass.Frames);
        Assert.True(same >= 40, $"one pass vs two passes: {same:F2} dB");
        // Everything else being equal, an unfiltered run would match this one far above 40 dB.
        Assert.True(changed < 40 && changed <= same - 5, $"the filter changed nothing visible: {changed:F2} dB (worst plane) against the unfiltered run");
    }

    [Fact]
    public void The_filter_runs_first_on_the_decoded_frames_of_the_decode_graph()
    {
        var info = FfprobeClient.Parse("""
            {"format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"1"},
             "streams":[{"index":0,"codec_type":"video","codec_name":"h264","width":96,"height":64,"pix_fmt":"yuv420p","avg_frame_rate":"25/1"}]}
            """);

        var plan = OutputPlanner.Plan(Request("in.mp4", "out.mp4", ClassicalFilter.LowLight) with { Deinterlace = true }, info, 2);

        Assert.Equal(["eq=gamma=1.45:brightness=0.03:saturation=1.1", "hqdn3d=3:3:6:6"], plan.DecodeFilters.Take(2));
        Assert.StartsWith("bwdif", plan.DecodeFilters[2], StringComparison.Ordinal);
        Assert.True(plan.HasTemporalFilters);
    }
}
