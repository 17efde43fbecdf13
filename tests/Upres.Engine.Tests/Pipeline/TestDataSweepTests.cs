using System.Globalization;
using Upres.Engine.Imaging;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Xunit.Abstractions;

namespace Upres.Engine.Tests.Pipeline;

/// Every file in ../shared/testdata/videos either upscales faithfully (first half second) or is refused with a code.
public sealed class TestDataSweepTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string? Root = TestData.VideosDirectory;

    /// Files that must be refused, and the code they must be refused with.
    private static readonly Dictionary<string, string> Refusals = new(StringComparer.Ordinal)
    {
        ["little-media-box/subtitles_only_6srt.mkv"] = UpscaleErrorCodes.NoVideoStream,
        ["mdn-shared-assets/friday.vtt"] = UpscaleErrorCodes.NoVideoStream,
        ["bitvue-foreman/README.md"] = UpscaleErrorCodes.UnreadableInput,
        // Its first keyframe is 2.1 s in: nothing in the first half second can be decoded.
        ["mediabunny/no-initial-keyframe.ts"] = UpscaleErrorCodes.NoFrames,
    };

    private readonly TestClips _clips = new();

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        if (Root is null)
        {
            data.Add("(testdata absent)");
            return data;
        }

        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Root, file).Replace('\\', '/'));
        }

        return data;
    }

    [TestDataTheory]
    [MemberData(nameof(Files))]
    public async Task Every_test_file_is_upscaled_faithfully_or_refused_with_a_code(string relative)
    {
        var input = Path.Combine(Root!, relative);
        var info = await TryProbe(input);
        var target = _clips.PathFor(Path.GetFileNameWithoutExtension(relative) + ".mkv");
        // Big frames at scale 1 keep the sweep quick on two cores; the pipeline is the same.
        var scale = info?.Video is { } v && v.Width * v.Height > 400_000 ? 1 : 2;
        var request = new UpscaleRequest { InputPath = input, OutputPath = target, DurationMs = 500, Preset = "ultrafast", Crf = 35 };
        var upscaler = new VideoUpscaler(_ => new NearestUpscaler(scale));

        if (Refusals.TryGetValue(relative, out var code))
        {
            var e = await Assert.ThrowsAsync<UpscaleException>(() => upscaler.UpscaleAsync(request, null, CancellationToken.None));
            output.WriteLine($"{relative}: refused with {e.Code}: {e.Message}");
            Assert.Equal(code, e.Code);
            return;
        }

        Assert.NotNull(info);
        var result = await upscaler.UpscaleAsync(request, null, CancellationToken.None);
        output.WriteLine($"{relative}: {result.Frames} frames {result.Width}x{result.Height} {result.Duration.TotalSeconds:0.###}s; {string.Join("; ", result.Warnings)}");

        var expected = await SourceFramesInFirstHalfSecond(input, info!);
        var actual = await TestClips.FrameTimesAsync(target);
        Assert.Equal(result.Frames, actual.Length);
        Assert.InRange(actual.Length, expected.Count - 1, expected.Count + 1);
        var frame = 1 / Math.Max(1, info!.Video!.FrameRate);
        for (var i = 0; i < Math.Min(actual.Length, expected.Count); i++)
        {
            // Same spacing as the source, frame by frame (within one frame), for constant and variable rates.
            Assert.InRange(actual[i] - actual[0] - (expected[i] - expected[0]), -frame, frame);
        }

        var outInfo = await new FfprobeClient().ProbeAsync(target, CancellationToken.None);
        Assert.Equal(info!.Audio.Count(), outInfo.Audio.Count());
        Assert.Equal(info.Subtitles.Count(), outInfo.Subtitles.Count());
        if (info.Audio.FirstOrDefault() is { StartTime: { } audioStart } && info.Video!.StartTime is { } videoStart
            && outInfo.Audio.First().StartTime is { } outAudioStart && outInfo.Video!.StartTime is { } outVideoStart)
        {
            // Audio and video stay in sync: the gap between their starts survives (within a frame and an audio packet).
            var gap = (videoStart - audioStart).TotalSeconds;
            Assert.InRange((outVideoStart - outAudioStart).TotalSeconds, gap - frame - 0.025, gap + frame + 0.025);
        }

        var decodedWidth = info.Video!.Rotation is 90 or 270 ? info.Video.Height : info.Video.Width;
        Assert.Equal(decodedWidth * scale + ((decodedWidth * scale) & 1), outInfo.Video!.Width);
    }

    private static async Task<List<double>> SourceFramesInFirstHalfSecond(string input, MediaInfo info)
    {
        var times = await TestClips.FrameTimesAsync(input);
        if (times.Length == 0)
        {
            // Raw elementary streams carry no timestamps; ffmpeg times them at the stated rate.
            return Enumerable.Range(0, (int)Math.Round(0.5 * info.Video!.FrameRate)).Select(i => i / info.Video.FrameRate).ToList();
        }

        // ffmpeg's zero is the file's start time; -t 0.5 keeps frames before it.
        var zero = info.StartTime.TotalSeconds;
        return times.Where(t => t - zero < 0.5 - 1e-6 && t >= zero - 1e-6).ToList();
    }

    private static async Task<MediaInfo?> TryProbe(string input)
    {
        try
        {
            return await new FfprobeClient().ProbeAsync(input, CancellationToken.None);
        }
        catch (UpscaleException)
        {
            return null;
        }
    }

    public void Dispose() => _clips.Dispose();

    private sealed class TestDataTheoryAttribute : TheoryAttribute
    {
        public TestDataTheoryAttribute()
        {
            if (Root is null)
            {
                Skip = "../shared/testdata/videos is absent: the real-file sweep is skipped";
            }
        }
    }
}
