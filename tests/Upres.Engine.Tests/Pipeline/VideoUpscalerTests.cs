using Upres.Engine.Imaging;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Tests.Pipeline;

public sealed class VideoUpscalerTests : IDisposable
{
    private readonly TestClips _clips = new();

    private static VideoUpscaler Upscaler(int scale = 2) => new(_ => new NearestUpscaler(scale));

    [Fact]
    public async Task A_clip_is_upscaled_with_every_frame_and_its_audio()
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.4);
        var output = _clips.PathFor("out.mp4");
        var reports = new List<UpscaleProgress>();

        var result = await Upscaler().UpscaleAsync(new UpscaleRequest { InputPath = input, OutputPath = output },
            new SynchronousProgress<UpscaleProgress>(reports.Add), CancellationToken.None);

        Assert.Equal((192, 128), (result.Width, result.Height));
        Assert.Equal(10, result.Frames);
        var times = await TestClips.FrameTimesAsync(output);
        Assert.Equal(10, times.Length);
        Assert.Equal(0.04, times[1] - times[0], 3);
        var probe = await new FfprobeClient().ProbeAsync(output, CancellationToken.None);
        Assert.Single(probe.Audio);
        Assert.Equal("h264", probe.Video!.CodecName);
        Assert.InRange(probe.Duration.TotalSeconds, 0.36, 0.48);
        Assert.Equal(10, reports[^1].FramesDone);
        Assert.Equal(10, reports[^1].FramesTotal);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_clips.Directory), p => p.Contains(".upres-", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("vfr-out.mp4", VideoCodec.H264)]
    [InlineData("vfr-out.mov", VideoCodec.ProRes)]
    [InlineData("vfr-out.webm", VideoCodec.Vp9)]
    [InlineData("vfr-out.mkv", VideoCodec.Av1)]
    public async Task Variable_frame_rate_input_keeps_every_frame_at_its_own_time(string outputName, VideoCodec codec)
    {
        // 12 frames at 25 fps, then a 0.3 s gap, then 8 more: ffmpeg's encoder alone would make this constant rate.
        var input = await _clips.MakeAsync("vfr.mkv",
            "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25", "-frames:v", "20",
            "-vf", "setpts='(N/25+if(gte(N,12),0.3,0))/TB'", "-fps_mode", "passthrough",
            "-c:v", "libx264", "-preset", "ultrafast", "-bf", "2");
        var expected = await TestClips.FrameTimesAsync(input);
        var output = _clips.PathFor(outputName);
        var request = new UpscaleRequest { InputPath = input, OutputPath = output, Codec = codec, Preset = codec switch { VideoCodec.Vp9 => "8", VideoCodec.Av1 => "12", _ => null } };

        var result = await Upscaler().UpscaleAsync(request, null, CancellationToken.None);

        var actual = await TestClips.FrameTimesAsync(output);
        Assert.Equal(20, result.Frames);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.InRange(actual[i] - actual[0], expected[i] - expected[0] - 0.002, expected[i] - expected[0] + 0.002);
        }
    }

    [Fact]
    public async Task A_raw_stream_without_a_frame_count_is_counted_so_progress_has_a_true_total()
    {
        var input = await _clips.MakeAsync("raw.h264", "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25", "-frames:v", "12",
            "-c:v", "libx264", "-preset", "ultrafast", "-f", "h264");
        Assert.Null((await new FfprobeClient().ProbeAsync(input, CancellationToken.None)).Video!.FrameCount);
        var reports = new List<UpscaleProgress>();

        var result = await Upscaler().UpscaleAsync(new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor("raw.mkv") },
            new SynchronousProgress<UpscaleProgress>(reports.Add), CancellationToken.None);

        Assert.Equal(12, result.Frames);
        Assert.All(reports, r => Assert.Equal(12, r.FramesTotal));
    }

    [Fact]
    public async Task Cancelling_leaves_no_output_no_temporary_files_and_no_ffmpeg_running()
    {
        var input = await _clips.ColourBarsAsync(seconds: 4);
        var output = _clips.PathFor("cancelled.mp4");
        using var cts = new CancellationTokenSource();
        var slow = new SlowUpscaler(TimeSpan.FromMilliseconds(50), afterFrames: 5, onReached: cts.Cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new VideoUpscaler(_ => slow).UpscaleAsync(new UpscaleRequest { InputPath = input, OutputPath = output }, null, cts.Token));

        Assert.False(File.Exists(output));
        Assert.Equal([input], Directory.EnumerateFileSystemEntries(_clips.Directory).ToArray());
        Assert.Empty(ChildProcessesMentioning(_clips.Directory));
        Assert.True(slow.Disposed);
    }

    [Fact]
    public async Task A_failing_upscaler_is_reported_with_a_stable_code_and_no_output()
    {
        var input = await _clips.ColourBarsAsync();
        var output = _clips.PathFor("failed.mp4");

        var e = await Assert.ThrowsAsync<UpscaleException>(() =>
            new VideoUpscaler(_ => new SlowUpscaler(TimeSpan.Zero, afterFrames: 3, onReached: () => throw new InvalidOperationException("model exploded")))
                .UpscaleAsync(new UpscaleRequest { InputPath = input, OutputPath = output }, null, CancellationToken.None));

        Assert.Equal("upscaler_failed", e.Code);
        Assert.Contains("model exploded", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Empty(ChildProcessesMentioning(_clips.Directory));
    }

    [Fact]
    public async Task Encoding_runs_while_the_model_is_still_working_on_later_frames()
    {
        var input = await _clips.ColourBarsAsync(seconds: 1.2);
        long encoded = 0;
        var encodedWhenModelSawLastFrame = -1L;
        var model = new SlowUpscaler(TimeSpan.FromMilliseconds(60), afterFrames: 30, onReached: () => encodedWhenModelSawLastFrame = Interlocked.Read(ref encoded));
        var progress = new SynchronousProgress<UpscaleProgress>(p => Interlocked.Exchange(ref encoded, p.FramesDone));

        await new VideoUpscaler(_ => model, options: new VideoUpscalerOptions { ProgressInterval = TimeSpan.Zero })
            .UpscaleAsync(new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor("overlap.mkv") }, progress, CancellationToken.None);

        // Bounded channels: the encoder trails the model by at most the frames queued between them.
        Assert.InRange(encodedWhenModelSawLastFrame, 30 - 8, 29);
    }

    [Fact]
    public async Task Progress_is_reported_at_most_about_four_times_a_second()
    {
        var input = await _clips.ColourBarsAsync(seconds: 1.2);
        var reports = new List<UpscaleProgress>();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await new VideoUpscaler(_ => new SlowUpscaler(TimeSpan.FromMilliseconds(40)))
            .UpscaleAsync(new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor("p.mkv") },
                new SynchronousProgress<UpscaleProgress>(reports.Add), CancellationToken.None);

        Assert.InRange(reports.Count, 2, (watch.Elapsed.TotalSeconds * 4) + 2);
        Assert.Equal(30, reports[^1].FramesDone);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.FramesDone <= p.Second.FramesDone));
        Assert.True(reports[^1].FramesPerSecond > 0);
    }

    /// ffmpeg/mkvmerge children of this test run whose command line names the folder.
    internal static List<int> ChildProcessesMentioning(string text)
    {
        var found = new List<int>();
        var self = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && fields[1] == self && cmdline.Contains(text, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }

        return found;
    }

    public void Dispose() => _clips.Dispose();
}

/// Nearest x2, but slow and able to fail or trigger something at a given frame.
internal sealed class SlowUpscaler(TimeSpan perFrame, int afterFrames = int.MaxValue, Action? onReached = null) : IFrameUpscaler
{
    private readonly NearestUpscaler _inner = new(2);
    private int _frames;

    public bool Disposed { get; private set; }

    public string Name => "slow-nearest";

    public int Scale => 2;

    public PlanarImage Upscale(PlanarImage input, CancellationToken cancellationToken)
    {
        if (++_frames == afterFrames)
        {
            onReached?.Invoke();
        }

        cancellationToken.WaitHandle.WaitOne(perFrame);
        cancellationToken.ThrowIfCancellationRequested();
        return _inner.Upscale(input, cancellationToken);
    }

    public void Dispose() => Disposed = true;
}

/// Progress<T> posts to the thread pool; tests want the reports in order and complete when the call returns.
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
