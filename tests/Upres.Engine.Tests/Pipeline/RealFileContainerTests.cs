using Upres.Engine.Imaging;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Tests.Pipeline;

/// Real files into containers that cannot carry everything they hold: conversions and drops, each with a note.
public sealed class RealFileContainerTests : IDisposable
{
    private static readonly string? Root = TestData.VideosDirectory;
    private readonly TestClips _clips = new();

    private async Task<(UpscaleResult Result, MediaInfo Output)> Run(string relative, string output, VideoCodec codec = VideoCodec.H264)
    {
        var request = new UpscaleRequest
        {
            InputPath = Path.Combine(Root!, relative), OutputPath = _clips.PathFor(output), DurationMs = 300, Codec = codec, Crf = 40,
            Preset = codec switch { VideoCodec.Vp9 => "8", VideoCodec.Av1 => "12", _ => "ultrafast" },
        };
        var result = await new VideoUpscaler(_ => new NearestUpscaler(1)).UpscaleAsync(request, null, CancellationToken.None);
        return (result, await new FfprobeClient().ProbeAsync(result.OutputPath, CancellationToken.None));
    }

    [RealFileFact]
    public async Task Bitmap_subtitles_are_dropped_from_mp4_with_a_warning()
    {
        var (result, output) = await Run("matroska-demuxer/subtitles_pgs.mkv", "pgs.mp4");

        Assert.Empty(output.Subtitles);
        Assert.Contains(result.Warnings, w => w.Contains("hdmv_pgs_subtitle", StringComparison.Ordinal));
    }

    [RealFileFact]
    public async Task Ten_bit_444_vp9_with_six_channel_vorbis_goes_to_webm_as_ten_bit_with_the_audio_copied()
    {
        var (_, output) = await Run("matroska-demuxer/multi_seekhead.mkv", "deep.webm", VideoCodec.Vp9);

        Assert.Equal("yuv420p10le", output.Video!.PixelFormat);
        var audio = Assert.Single(output.Audio);
        Assert.Equal(("vorbis", 6), (audio.CodecName, audio.Channels));
    }

    [RealFileFact]
    public async Task Six_channel_vorbis_is_re_encoded_to_aac_for_mp4()
    {
        var (result, output) = await Run("matroska-demuxer/multi_seekhead.mkv", "six.mp4");

        var audio = Assert.Single(output.Audio);
        Assert.Equal(("aac", 6), (audio.CodecName, audio.Channels));
        Assert.Contains(result.Warnings, w => w.Contains("re-encoded as aac", StringComparison.Ordinal));
    }

    [RealFileFact]
    public async Task A_hundred_mov_text_tracks_become_a_hundred_srt_tracks_in_mkv()
    {
        var source = await new FfprobeClient().ProbeAsync(Path.Combine(Root!, "mediainfo.js/many_tracks.mp4"), CancellationToken.None);

        var (_, output) = await Run("mediainfo.js/many_tracks.mp4", "many.mkv");

        Assert.Equal(source.Subtitles.Count(), output.Subtitles.Count());
        Assert.All(output.Subtitles, s => Assert.Equal("subrip", s.CodecName));
        // Matroska leaves "und" implicit, so ffprobe reports no language there.
        Assert.Equal(source.Subtitles.Select(s => s.Language is "und" ? null : s.Language), output.Subtitles.Select(s => s.Language));
    }

    [RealFileFact]
    public async Task Text_subtitles_become_webvtt_in_webm()
    {
        var (_, output) = await Run("matroska-demuxer/subtitles.mkv", "subs.webm", VideoCodec.Vp9);

        Assert.NotEmpty(output.Subtitles);
        Assert.All(output.Subtitles, s => Assert.Equal("webvtt", s.CodecName));
    }

    [RealFileFact]
    public async Task A_stream_starting_without_a_keyframe_is_upscaled_from_its_first_keyframe_and_stays_in_sync()
    {
        var request = new UpscaleRequest
        {
            InputPath = Path.Combine(Root!, "mediabunny/no-initial-keyframe.ts"), OutputPath = _clips.PathFor("late-key.mkv"), Preset = "ultrafast", Crf = 40,
        };

        var result = await new VideoUpscaler(_ => new NearestUpscaler(1)).UpscaleAsync(request, null, CancellationToken.None);

        // Its first keyframe is 2.136 s after the start; the 15 frames from there on are all that can be decoded.
        Assert.Equal(15, result.Frames);
        var output = await new FfprobeClient().ProbeAsync(result.OutputPath, CancellationToken.None);
        var gap = (output.Video!.StartTime!.Value - output.Audio.Single().StartTime!.Value).TotalSeconds;
        Assert.InRange(gap, 2.0, 2.2);
    }

    public void Dispose() => _clips.Dispose();

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
