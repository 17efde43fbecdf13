using Upres.Engine.Benchmark;

namespace Upres.Engine.Tests.Pipeline;

public sealed class PipelineBenchmarkTests : IDisposable
{
    private readonly TestClips _clips = new();

    [Fact]
    public async Task The_pipeline_figure_runs_the_real_model_end_to_end_and_compares_it_with_inference_alone()
    {
        var clip = await _clips.ColourBarsAsync(seconds: 0.4, size: "48x32");
        using var engine = UpscaleEngine.Create(new EngineOptions { Threads = 2 });

        var result = await PipelineBenchmark.RunAsync(engine, clip, frames: 6, CancellationToken.None);

        Assert.Equal((48, 32, 6), (result.Width, result.Height, result.Frames));
        Assert.Equal("realesr-animevideov3-x2", result.Model);
        Assert.True(result.PipelineFps > 0 && result.SteadyFps > 0 && result.InferenceOnlyFps > 0, result.ToString());
        Assert.Equal(result.SteadyFps / result.InferenceOnlyFps, result.Share, 6);
    }

    public void Dispose() => _clips.Dispose();
}
