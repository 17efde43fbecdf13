using Upres.Engine.Media;

namespace Upres.Engine.Tests.Media;

/// Driven by ffprobe output recorded from ../shared/testdata/videos, so odd files are covered without shipping them.
public class FfprobeParserTests
{
    private static MediaInfo Load(string name) =>
        FfprobeClient.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Media", "Probes", name + ".json")));

    [Fact]
    public void Variable_frame_rate_mp4_keeps_its_exact_average_rate_and_frame_count()
    {
        var video = Load("cursed-vfr").Video!;

        Assert.Equal("3628800/502589", video.FrameRateFraction);
        Assert.Equal(3628800.0 / 502589, video.FrameRate, 6);
        Assert.Equal(63, video.FrameCount);
        Assert.Equal((3026, 1386), (video.Width, video.Height));
    }

    [Fact]
    public void Only_a_stream_whose_average_rate_strays_from_its_base_rate_is_variable()
    {
        Assert.True(Load("cursed-vfr").Video!.IsVariableFrameRate);
        Assert.Equal("57600/1", Load("cursed-vfr").Video!.StreamFrameRate);
        Assert.All(new[] { "bt601-525_480_interlaced_tff", "foreman_h264", "multi_seekhead", "rotate-buck-bunny", "sar_2x1", "subtitles", "transparency" },
            name => Assert.False(Load(name).Video!.IsVariableFrameRate, name));
        // A field-rate base rate (interlaced H.264 in MPEG-TS) is twice the frame rate, not variable.
        var interlaced = FfprobeClient.Parse("""
            {"format":{"format_name":"mpegts","duration":"1.0"},"streams":[{"index":0,"codec_type":"video","codec_name":"h264",
             "width":720,"height":480,"r_frame_rate":"60000/1001","avg_frame_rate":"30000/1001","field_order":"tt"}]}
            """);
        Assert.False(interlaced.Video!.IsVariableFrameRate);
    }

    [Fact]
    public void Display_matrix_rotation_is_read_as_clockwise_degrees()
    {
        var info = Load("rotate-buck-bunny");

        Assert.Equal(90, info.Video!.Rotation);
        Assert.Equal("bt709", info.Video.ColorPrimaries);
        Assert.Equal("tv", info.Video.ColorRange);
        Assert.Equal(TimeSpan.FromSeconds(0.083333), info.Video.StartTime);
    }

    [Fact]
    public void Non_square_pixels_are_kept_as_the_sample_aspect_ratio()
    {
        Assert.Equal("2:1", Load("sar_2x1").Video!.SampleAspectRatio);
        Assert.Equal("128:117", Load("foreman_h264").Video!.SampleAspectRatio);
    }

    [Fact]
    public void Ten_bit_444_vp9_with_six_channel_audio_and_cover_art()
    {
        var info = Load("multi_seekhead");

        Assert.Equal("vp9", info.Video!.CodecName);
        Assert.Equal(10, info.Video.BitDepth);
        Assert.Equal("yuv444p10le", info.Video.PixelFormat);
        Assert.Contains(info.Audio, a => a.Channels == 6);
    }

    [Fact]
    public void Subtitle_tracks_are_listed_and_bitmap_ones_are_recognised()
    {
        var text = Load("subtitles");
        var pgs = Load("subtitles_pgs");

        Assert.NotEmpty(text.Subtitles);
        Assert.All(text.Subtitles, s => Assert.False(s.IsBitmapSubtitle));
        Assert.Contains(pgs.Subtitles, s => s.IsBitmapSubtitle && s.CodecName == "hdmv_pgs_subtitle");
    }

    [Fact]
    public void A_file_with_only_subtitles_has_no_video()
    {
        var info = Load("subtitles_only_6srt");

        Assert.Null(info.Video);
        Assert.Equal(6, info.Subtitles.Count());
    }

    [Fact]
    public void Alpha_in_webm_is_detected_from_the_alpha_mode_tag()
    {
        Assert.True(Load("transparency").Video!.HasAlpha);
        Assert.False(Load("sar_2x1").Video!.HasAlpha);
    }

    [Fact]
    public void A_raw_h264_stream_has_no_frame_count_or_duration_from_the_container()
    {
        var video = Load("foreman_h264").Video!;

        Assert.Null(video.FrameCount);
        Assert.Equal("h264", video.CodecName);
        Assert.Equal(8, video.BitDepth);
    }

    [Fact]
    public void Interlaced_mpeg2_reports_its_field_order()
    {
        var info = Load("bt601-525_480_interlaced_tff");

        Assert.Equal("tt", info.Video!.FieldOrder);
        Assert.Equal("32:27", info.Video.SampleAspectRatio);
    }

    [Theory]
    [InlineData("yuv420p", null, 8)]
    [InlineData("yuv420p10le", null, 10)]
    [InlineData("yuv444p12be", null, 12)]
    [InlineData("rgb48le", null, 16)]
    [InlineData("yuv420p", 10L, 10)]
    [InlineData(null, null, 8)]
    public void Bit_depth_comes_from_bits_per_raw_sample_or_the_pixel_format(string? pixelFormat, long? bits, int expected)
    {
        Assert.Equal(expected, FfprobeClient.BitDepth(pixelFormat, bits));
    }

    [Fact]
    public async Task Probing_a_missing_file_is_refused_with_a_stable_code()
    {
        var e = await Assert.ThrowsAsync<Upres.Engine.Pipeline.UpscaleException>(() =>
            new FfprobeClient().ProbeAsync("/nonexistent/clip.mp4", CancellationToken.None));

        Assert.Equal("input_not_found", e.Code);
    }

    [Fact]
    public async Task Probing_a_file_that_is_not_media_is_refused_as_unreadable()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "not a video");
            var e = await Assert.ThrowsAsync<Upres.Engine.Pipeline.UpscaleException>(() =>
                new FfprobeClient().ProbeAsync(path, CancellationToken.None));

            Assert.Equal("unreadable_input", e.Code);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
