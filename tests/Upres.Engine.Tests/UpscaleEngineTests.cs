using Upres.Engine.Inference.Compact;
using Upres.Engine.Pipeline;
using Upres.Engine.Tests.Pipeline;

namespace Upres.Engine.Tests;

/// The composition root on real files: model choice, the real model end to end, and the no-SR path.
public sealed class UpscaleEngineTests : IDisposable
{
    private readonly TestClips _clips = new();
    private readonly UpscaleEngine _engine = UpscaleEngine.Create(new EngineOptions { Threads = 2 });

    public void Dispose()
    {
        _engine.Dispose();
        _clips.Dispose();
    }

    [Fact]
    public async Task The_default_model_doubles_a_clip_and_keeps_its_frames_and_audio()
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.2, size: "64x48");

        var result = await _engine.UpscaleAsync(
            new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor("x2.mp4"), Scale = 2 }, null, CancellationToken.None);

        Assert.Equal((128, 96), (result.Width, result.Height));
        Assert.Equal(5, result.Frames);
        var info = await new Upres.Engine.Media.FfprobeClient().ProbeAsync(result.OutputPath, CancellationToken.None);
        Assert.Single(info.Audio);
    }

    [Fact]
    public async Task A_target_size_picks_the_smallest_model_scale_that_reaches_it()
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.1, size: "64x48");

        var x2 = await _engine.ResolveModelAsync(new UpscaleRequest { InputPath = input, OutputPath = "-", Width = 120 }, CancellationToken.None);
        var x3 = await _engine.ResolveModelAsync(new UpscaleRequest { InputPath = input, OutputPath = "-", Height = 140 }, CancellationToken.None);
        var x4 = await _engine.ResolveModelAsync(new UpscaleRequest { InputPath = input, OutputPath = "-", Width = 1000 }, CancellationToken.None);

        Assert.Equal((2, 3, 4), (x2.Scale, x3.Scale, x4.Scale));
    }

    [Fact]
    public async Task An_unknown_model_is_refused_with_a_stable_code()
    {
        var e = await Assert.ThrowsAsync<UpscaleException>(() => _engine.UpscaleAsync(
            new UpscaleRequest { InputPath = "in.mp4", OutputPath = "out.mp4", Model = "realesrgan-x9" }, null, CancellationToken.None));

        Assert.Equal("unknown_model", e.Code);
        Assert.Contains("realesr-animevideov3-x2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Model_none_resizes_classically_to_the_exact_size()
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.2, size: "64x48");

        var result = await _engine.UpscaleAsync(
            new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor("plain.mp4"), Model = UpscaleEngine.NoSuperResolution, Width = 100, Height = 76 },
            null, CancellationToken.None);

        Assert.Equal((100, 76), (result.Width, result.Height));
        using var upscaler = await _engine.OpenFrameUpscalerAsync(
            new UpscaleRequest { InputPath = input, OutputPath = "-", Model = UpscaleEngine.NoSuperResolution }, CancellationToken.None);
        Assert.StartsWith("bicubic", upscaler.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compact_models_run_on_the_built_in_cpu_engine()
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.1, size: "64x48");

        using var upscaler = await _engine.OpenFrameUpscalerAsync(
            new UpscaleRequest { InputPath = input, OutputPath = "-", Model = "realesr-animevideov3-x2" }, CancellationToken.None);

        Assert.Equal(CompactSrUpscaler.IsSupported, upscaler is CompactSrUpscaler);
        Assert.Equal("realesr-animevideov3-x2", upscaler.Name);
    }
}
