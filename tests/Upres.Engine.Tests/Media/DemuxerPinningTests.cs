using System.Text;
using Upres.Engine.Imaging;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Engine.Tests.Pipeline;

namespace Upres.Engine.Tests.Media;

/// A polyglot: a valid MPEG-TS (32x32 blue) that is also an HLS playlist naming another local file
/// (64x48 colour bars) behind an ID3 tag, which ffmpeg's format detection skips. Detected with every
/// demuxer enabled it is the playlist and pulls the other file in; read by the demuxer its first
/// probe chose, it is only itself.
public sealed class DemuxerPinningTests : IDisposable
{
    private readonly TestClips _clips = new();

    public void Dispose() => _clips.Dispose();

    private async Task<string> PolyglotAsync()
    {
        await _clips.MakeAsync("secret.ts", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10", "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-f", "mpegts");
        var own = await _clips.MakeAsync("own.ts", "-f", "lavfi", "-i", "color=c=blue:size=32x32:rate=10", "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-f", "mpegts");
        // ID3v2.4 header (tag size 16, synchsafe) and 16 bytes of padding.
        byte[] id3 = [(byte)'I', (byte)'D', (byte)'3', 4, 0, 0, 0, 0, 0, 16, .. new byte[16]];
        var playlist = Encoding.ASCII.GetBytes(
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.0,\nsecret.ts\n#EXT-X-ENDLIST\n");
        var path = _clips.PathFor("upload");
        await File.WriteAllBytesAsync(path, [.. id3, .. playlist, .. await File.ReadAllBytesAsync(own)]);
        return path;
    }

    /// demuxer: the one a caller's first probe chose (its probe pins the run); null: the engine probes.
    private async Task<UpscaleRequest> RequestAsync(string input, string name, string? demuxer) => new()
    {
        InputPath = input, OutputPath = _clips.PathFor(name), Scale = 2, Preset = "ultrafast",
        Probe = demuxer is null ? null : await new FfprobeClient().ProbeAsync(input, demuxer, CancellationToken.None),
    };

    private static VideoUpscaler Nearest() => new(r => new NearestUpscaler(r.Scale ?? 2));

    [Fact]
    public async Task The_first_probe_refuses_the_polyglot_instead_of_following_its_playlist()
    {
        var input = await PolyglotAsync();

        var probe = await Assert.ThrowsAsync<UpscaleException>(() => new FfprobeClient(formats: Demuxers.SelfContained).ProbeAsync(input, CancellationToken.None));
        var run = await Assert.ThrowsAsync<UpscaleException>(async () => await Nearest().UpscaleAsync(await RequestAsync(input, "out.mp4", null), null, CancellationToken.None));

        Assert.Equal(UpscaleErrorCodes.UnsupportedInputFormat, probe.Code);
        Assert.Equal(UpscaleErrorCodes.UnsupportedInputFormat, run.Code);
        Assert.False(File.Exists(_clips.PathFor("out.mp4")));
    }

    [Fact]
    public async Task Probe_decode_and_mux_pinned_to_the_chosen_demuxer_read_the_polyglots_own_frames_only()
    {
        var input = await PolyglotAsync();

        var probe = await new FfprobeClient().ProbeAsync(input, "mpegts", CancellationToken.None);
        var result = await Nearest().UpscaleAsync(await RequestAsync(input, "out.mp4", "mpegts"), null, CancellationToken.None);

        Assert.Equal("mpegts", probe.Demuxer);
        Assert.Equal((32, 32), (probe.Video!.Width, probe.Video.Height));
        Assert.Equal((64, 64), (result.Width, result.Height));
        Assert.Equal(10, result.Frames);
    }

    [Fact]
    public async Task Timeline_segments_and_join_pinned_to_the_chosen_demuxer_read_the_polyglots_own_frames_only()
    {
        var input = await PolyglotAsync();
        var request = await RequestAsync(input, "joined.mkv", "mpegts");
        var upscaler = Nearest();

        var timeline = await upscaler.ReadTimelineAsync(request, CancellationToken.None);
        var segments = new List<VideoSegment>();
        foreach (var range in timeline.SplitAt([4]))
        {
            segments.Add(await upscaler.UpscaleSegmentAsync(request, timeline, range, _clips.PathFor($"seg{range.First}.mkv"), null, CancellationToken.None));
        }

        var joined = await upscaler.JoinSegmentsAsync(request, timeline, segments, CancellationToken.None);

        Assert.Equal(10, timeline.Count);
        Assert.Equal((64, 64), (joined.Width, joined.Height));
        Assert.Equal(10, joined.Frames);
    }

    [Fact]
    public async Task The_join_reads_our_own_list_and_only_Matroska_segments()
    {
        var mkv = await _clips.MakeAsync("seg0.mkv", "-f", "lavfi", "-i", "color=c=blue:size=32x32:rate=10", "-t", "0.5", "-c:v", "libx264", "-preset", "ultrafast", "-f", "matroska");
        var mp4 = await _clips.MakeAsync("seg1.mp4", "-f", "lavfi", "-i", "color=c=red:size=32x32:rate=10", "-t", "0.5", "-c:v", "libx264", "-preset", "ultrafast", "-f", "mp4");
        var ours = _clips.PathFor("ours.ffconcat");
        var foreign = _clips.PathFor("foreign.ffconcat");
        await File.WriteAllTextAsync(ours, FfmpegArguments.ConcatList([(mkv, 0.5), (mkv, 0.5)]));
        await File.WriteAllTextAsync(foreign, FfmpegArguments.ConcatList([(mkv, 0.5), (mp4, 0.5)]));

        await ProcessRunner.RunAsync("ffmpeg", FfmpegArguments.Concat(ours, _clips.PathFor("joined.mkv")), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<ProcessFailedException>(
            () => ProcessRunner.RunAsync("ffmpeg", FfmpegArguments.Concat(foreign, _clips.PathFor("mixed.mkv")), CancellationToken.None));

        Assert.Equal(10, await new FfprobeClient().CountFramesAsync(_clips.PathFor("joined.mkv"), "matroska", 0, CancellationToken.None));
        Assert.Contains("-format_whitelist", refused.CommandLine, StringComparison.Ordinal);
    }
}
