using System.Text.Json;
using Upres.Engine.Imaging;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Tests.Pipeline;

/// What comes out keeps what went in: orientation, pixel shape, depth, colour, tracks, chapters, metadata.
public sealed class FaithfulOutputTests : IDisposable
{
    private readonly TestClips _clips = new();
    private readonly VideoUpscaler _upscaler = new(_ => new NearestUpscaler(2));

    private Task<UpscaleResult> Run(string input, string output, Func<UpscaleRequest, UpscaleRequest>? adjust = null)
    {
        var request = new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor(output), Preset = "ultrafast" };
        return _upscaler.UpscaleAsync(adjust?.Invoke(request) ?? request, null, CancellationToken.None);
    }

    private static async Task<MediaInfo> Probe(string path) => await new FfprobeClient().ProbeAsync(path, CancellationToken.None);

    [Fact]
    public async Task Rotated_input_is_turned_upright_in_the_pixels_and_the_rotation_flag_is_cleared()
    {
        var plain = await _clips.ColourBarsAsync("plain.mp4");
        var rotated = await _clips.MakeAsync("rotated.mp4", "-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=90");
        // ffmpeg 5.1 turns the legacy tag into a display matrix; which quarter turn does not matter here.
        Assert.Contains((await Probe(rotated)).Video!.Rotation, new[] { 90, 270 });

        var result = await Run(rotated, "upright.mp4");

        var video = (await Probe(result.OutputPath)).Video!;
        Assert.Equal((128, 192), (video.Width, video.Height));
        Assert.Equal(0, video.Rotation);
        Assert.Contains(result.Warnings, w => w.Contains("rotation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Non_square_pixels_keep_their_sample_aspect_ratio()
    {
        var input = await _clips.MakeAsync("sar.mp4", "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25", "-t", "0.2",
            "-vf", "setsar=2/1", "-c:v", "libx264", "-preset", "ultrafast");

        var result = await Run(input, "sar-out.mkv");

        Assert.Equal("2:1", (await Probe(result.OutputPath)).Video!.SampleAspectRatio);
    }

    [Fact]
    public async Task Ten_bit_input_stays_ten_bit_with_its_colour_description()
    {
        var input = await _clips.MakeAsync("deep.mkv", "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25", "-t", "0.2",
            "-pix_fmt", "yuv420p10le", "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error",
            "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc");

        var result = await Run(input, "deep-out.mkv", r => r with { Codec = VideoCodec.H265 });

        var video = (await Probe(result.OutputPath)).Video!;
        Assert.Equal("yuv420p10le", video.PixelFormat);
        Assert.Equal(10, video.BitDepth);
        Assert.Equal(("bt2020", "smpte2084", "bt2020nc"), (video.ColorPrimaries, video.ColorTransfer, video.ColorSpace));
    }

    [Fact]
    public async Task Colour_description_of_an_8_bit_source_is_passed_to_the_encoder()
    {
        var input = await _clips.MakeAsync("bt709.mp4", "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25", "-t", "0.2",
            "-c:v", "libx264", "-preset", "ultrafast", "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709");

        var video = (await Probe((await Run(input, "bt709-out.mp4")).OutputPath)).Video!;

        Assert.Equal(("bt709", "bt709", "bt709", "tv"), (video.ColorPrimaries, video.ColorTransfer, video.ColorSpace, video.ColorRange));
    }

    [Fact]
    public async Task Subtitles_chapters_and_metadata_are_carried_into_mp4_and_webm()
    {
        var input = await MakeClipWithSubtitlesAndChaptersAsync();

        var mp4 = await Run(input, "tracks.mp4");
        var webm = await Run(input, "tracks.webm", r => r with { Codec = VideoCodec.Vp9, Preset = "8" });

        var mp4Json = await TestClips.ProbeJsonAsync(mp4.OutputPath);
        Assert.Equal(["h264", "aac", "mov_text"], Codecs(mp4Json));
        Assert.Equal(2, mp4Json.GetProperty("chapters").GetArrayLength());
        Assert.Equal("Upres test clip", mp4Json.GetProperty("format").GetProperty("tags").GetProperty("title").GetString());
        var webmJson = await TestClips.ProbeJsonAsync(webm.OutputPath);
        Assert.Equal(["vp9", "opus", "webvtt"], Codecs(webmJson));
        Assert.Equal(2, webmJson.GetProperty("chapters").GetArrayLength());
        Assert.Equal("fra", (await Probe(webm.OutputPath)).Subtitles.Single().Language);
    }

    [Fact]
    public async Task Start_and_duration_trim_the_video_and_the_audio()
    {
        var input = await _clips.ColourBarsAsync(seconds: 2);

        var result = await Run(input, "trimmed.mp4", r => r with { StartMs = 600, DurationMs = 400 });

        Assert.Equal(10, result.Frames);
        var info = await Probe(result.OutputPath);
        Assert.InRange(info.Duration.TotalSeconds, 0.36, 0.48);
        Assert.InRange(info.Audio.Single().Duration!.Value.TotalSeconds, 0.35, 0.45);
    }

    [Fact]
    public async Task A_trim_into_matroska_starts_video_and_audio_together()
    {
        // A copied AAC track cut by an input seek used to drag the video 1 s late in mkv.
        var input = await _clips.ColourBarsAsync("long.mp4", seconds: 3);

        var result = await Run(input, "trimmed.mkv", r => r with { StartMs = 1000, DurationMs = 1000 });

        var json = await TestClips.ProbeJsonAsync(result.OutputPath);
        var starts = json.GetProperty("streams").EnumerateArray()
            .Select(s => double.Parse(s.GetProperty("start_time").GetString()!, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(2, starts.Count);
        Assert.All(starts, s => Assert.InRange(s, 0, 0.05));
        Assert.InRange((await Probe(result.OutputPath)).Duration.TotalSeconds, 0.95, 1.1);
    }

    [Fact]
    public async Task A_frame_rate_cap_drops_frames_before_they_are_upscaled()
    {
        var input = await _clips.ColourBarsAsync("fifty.mp4", seconds: 0.4, rate: "50");
        var counting = new CountingUpscaler();

        var result = await new VideoUpscaler(_ => counting).UpscaleAsync(
            new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor("capped.mp4"), MaxFps = 25 }, null, CancellationToken.None);

        Assert.Equal(10, result.Frames);
        Assert.Equal(10, counting.Frames);
        var times = await TestClips.FrameTimesAsync(result.OutputPath);
        Assert.Equal(0.04, times[1] - times[0], 3);
        Assert.InRange((await Probe(result.OutputPath)).Duration.TotalSeconds, 0.36, 0.48);
    }

    [Theory]
    [InlineData(FitMode.Pad, 300, 300)]
    [InlineData(FitMode.Crop, 150, 150)]
    [InlineData(FitMode.Stretch, 251, 99)]
    public async Task An_exact_size_is_met_and_even(FitMode fit, int width, int height)
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.12);

        var result = await Run(input, $"fit-{fit}.mp4", r => r with { Width = width, Height = height, Fit = fit });

        Assert.Equal((width + (width & 1), height + (height & 1)), (result.Width, result.Height));
    }

    [Theory]
    [InlineData(VideoCodec.Vp9, "webm", "vp9", "yuv420p")]
    [InlineData(VideoCodec.Av1, "mkv", "av1", "yuv420p")]
    [InlineData(VideoCodec.ProRes, "mov", "prores", "yuv422p10le")]
    [InlineData(VideoCodec.H265, "mp4", "hevc", "yuv420p")]
    public async Task Every_codec_writes_its_container(VideoCodec codec, string extension, string codecName, string pixelFormat)
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.12);

        var result = await Run(input, "codec." + extension, r => r with { Codec = codec, Preset = codec is VideoCodec.Vp9 ? "8" : codec is VideoCodec.Av1 ? "12" : "ultrafast" });

        var info = await Probe(result.OutputPath);
        Assert.Equal((codecName, pixelFormat), (info.Video!.CodecName, info.Video.PixelFormat));
        Assert.Equal(3, result.Frames);
        Assert.Single(info.Audio);
    }

    [Fact]
    public async Task Deinterlace_denoise_and_film_grain_run_in_the_graph()
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.2);

        var result = await Run(input, "filtered.mkv", r => r with { Deinterlace = true, Denoise = 3, FilmGrain = 60 });

        Assert.Equal(5, result.Frames);
    }

    [Fact]
    public async Task Alpha_is_dropped_with_a_note()
    {
        var input = await _clips.MakeAsync("alpha.mov", "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25", "-t", "0.12",
            "-vf", "format=rgba", "-c:v", "png");

        var result = await Run(input, "opaque.mp4");

        Assert.Contains(result.Warnings, w => w.Contains("alpha", StringComparison.Ordinal));
        Assert.Equal(3, result.Frames);
    }

    [Theory]
    [InlineData("out.webm", VideoCodec.H264, "unsupported_container_codec")]
    [InlineData("out.webm", VideoCodec.ProRes, "unsupported_container_codec")]
    [InlineData("out.avi", VideoCodec.H265, "unsupported_container_codec")]
    [InlineData("out.flv", VideoCodec.H264, "unsupported_container")]
    public async Task Impossible_outputs_are_refused_before_any_work(string output, VideoCodec codec, string code)
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.12);
        var factoryCalls = 0;

        var e = await Assert.ThrowsAsync<UpscaleException>(() => new VideoUpscaler(_ => { factoryCalls++; return new NearestUpscaler(2); })
            .UpscaleAsync(new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor(output), Codec = codec }, null, CancellationToken.None));

        Assert.Equal(code, e.Code);
        Assert.Equal(0, factoryCalls);
    }

    [Fact]
    public async Task Audio_only_input_is_refused_as_having_no_video()
    {
        var input = await _clips.MakeAsync("tone.m4a", "-f", "lavfi", "-i", "sine", "-t", "0.2", "-c:a", "aac");

        var e = await Assert.ThrowsAsync<UpscaleException>(() => Run(input, "x.mp4"));

        Assert.Equal("no_video_stream", e.Code);
    }

    [Fact]
    public async Task A_start_past_the_end_is_refused_as_no_frames()
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.2);

        var e = await Assert.ThrowsAsync<UpscaleException>(() => Run(input, "late.mp4", r => r with { StartMs = 5000 }));

        Assert.Equal("no_frames", e.Code);
        Assert.False(File.Exists(_clips.PathFor("late.mp4")));
    }

    private async Task<string> MakeClipWithSubtitlesAndChaptersAsync()
    {
        var srt = _clips.PathFor("subs.srt");
        await File.WriteAllTextAsync(srt, "1\n00:00:00,000 --> 00:00:00,300\nBonjour\n\n2\n00:00:00,300 --> 00:00:00,600\nau revoir\n");
        var chapters = _clips.PathFor("chapters.txt");
        await File.WriteAllTextAsync(chapters,
            ";FFMETADATA1\ntitle=Upres test clip\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=300\ntitle=One\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=300\nEND=600\ntitle=Two\n");
        return await _clips.MakeAsync("tracks.mkv",
            "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25", "-f", "lavfi", "-i", "sine=sample_rate=48000", "-i", srt, "-i", chapters,
            "-map", "0:v", "-map", "1:a", "-map", "2:s", "-map_metadata", "3", "-map_chapters", "3", "-t", "0.6",
            "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-c:s", "srt", "-metadata:s:s:0", "language=fra");
    }

    /// mp4 also gets a text track for chapters ("bin_data"); only real media tracks count here.
    private static string[] Codecs(JsonElement probe) =>
        probe.GetProperty("streams").EnumerateArray().Where(s => s.GetProperty("codec_type").GetString() != "data").Select(s => s.GetProperty("codec_name").GetString()!).ToArray();

    public void Dispose() => _clips.Dispose();

    private sealed class CountingUpscaler : IFrameUpscaler
    {
        public int Frames { get; private set; }

        public string Name => "counting-nearest";

        public int Scale => 2;

        public PlanarImage Upscale(PlanarImage input, CancellationToken cancellationToken)
        {
            Frames++;
            return new NearestUpscaler(2).Upscale(input, cancellationToken);
        }

        public void Dispose()
        {
        }
    }
}
