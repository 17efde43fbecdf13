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

    public void Dispose() => _clips.Dispose();
}

/// Progress<T> posts to the thread pool; tests want the reports in order and complete when the call returns.
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
