using System.Buffers.Binary;
using System.Text;
using Upres.Engine.Imaging;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Tests.Pipeline;

/// A job is planned and priced from the container's header; the decoder must not do more work than
/// that plan, whatever the file really holds.
public sealed class FrameBudgetTests : IDisposable
{
    private readonly TestClips _clips = new();

    private static VideoUpscaler Upscaler() => new(_ => new NearestUpscaler(2));

    /// 30 s of 10 fps video in a Matroska file whose header (segment duration and DURATION tag) says 1 s.
    public static async Task<string> UnderstatedLengthAsync(TestClips clips)
    {
        var honest = await clips.MakeAsync("thirty-seconds.mkv",
            "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10", "-t", "30", "-c:v", "libx264", "-preset", "ultrafast");
        var bytes = await File.ReadAllBytesAsync(honest);
        // Segment Info Duration: EBML id 0x4489, size 8, a big-endian double in milliseconds.
        var at = bytes.AsSpan().IndexOf((ReadOnlySpan<byte>)[0x44, 0x89, 0x88]);
        Assert.True(at > 0, "no segment duration in the file");
        BinaryPrimitives.WriteDoubleBigEndian(bytes.AsSpan(at + 3, 8), 1000.0);
        var tag = bytes.AsSpan().IndexOf("00:00:30.0"u8);
        Assert.True(tag > 0, "no DURATION tag in the file");
        Encoding.ASCII.GetBytes("00:00:01.0").CopyTo(bytes, tag);
        var lie = clips.PathFor("says-one-second.mkv");
        await File.WriteAllBytesAsync(lie, bytes);
        return lie;
    }

    [Fact]
    public async Task A_file_whose_header_claims_1_s_but_holds_300_frames_fails_with_frames_exceed_declared_after_a_few_frames()
    {
        var input = await UnderstatedLengthAsync(_clips);
        var probe = await new FfprobeClient().ProbeAsync(input, CancellationToken.None);
        Assert.InRange(probe.Duration.TotalSeconds, 0.9, 1.1);
        var planned = (long)Math.Round(probe.Duration.TotalSeconds * probe.Video!.FrameRate);
        var reports = new List<UpscaleProgress>();

        var refused = await Assert.ThrowsAsync<UpscaleException>(() => Upscaler().UpscaleAsync(
            new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor("out.mp4"), MaxFrames = planned },
            new SynchronousProgress<UpscaleProgress>(reports.Add), CancellationToken.None));

        Assert.Equal(UpscaleErrorCodes.FramesExceedDeclared, refused.Code);
        Assert.All(reports, r => Assert.True(r.FramesDone <= planned + 5, $"{r.FramesDone} frames done for {planned} planned"));
        Assert.False(File.Exists(_clips.PathFor("out.mp4")));
    }

    [Fact]
    public async Task Without_a_cap_the_same_file_is_read_to_its_end()
    {
        var input = await UnderstatedLengthAsync(_clips);
        var result = await Upscaler().UpscaleAsync(new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor("all.mp4") }, null, CancellationToken.None);
        Assert.Equal(300, result.Frames);
    }

    [Fact]
    public async Task An_honest_file_at_its_planned_frames_is_unaffected_by_the_cap()
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.4);
        var result = await Upscaler().UpscaleAsync(new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor("capped.mp4"), MaxFrames = 10 }, null, CancellationToken.None);
        Assert.Equal(10, result.Frames);
    }

    public void Dispose() => _clips.Dispose();
}
