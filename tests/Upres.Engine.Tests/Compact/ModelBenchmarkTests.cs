using Upres.Engine.Benchmark;
using Upres.Engine.Imaging;
using Upres.Engine.Inference.Compact;

namespace Upres.Engine.Tests.Compact;

public class ModelBenchmarkTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_benchmark_reports_speed_share_and_agreement_for_each_model(bool bands)
    {
        var weights = CompactSrTestData.RandomWeights(seed: 11, bodyConvs: 1, 0.5f);
        var options = new ModelBenchmarkOptions(Width: 24, Height: 12, FramesPerThread: 1, Threads: 2, Bands: bands)
        {
            PeakDuration = TimeSpan.FromMilliseconds(100),
            Algorithms = Enum.GetValues<ConvolutionAlgorithm>(),
        };

        var report = ModelBenchmark.Run([weights], w => new ScalarUpscaler(w), options, CancellationToken.None);

        var row = Assert.Single(report.Models);
        Assert.True(report.Peak.GflopsPerSecond > 0);
        Assert.Equal(CompactSrCost.For(weights, 24, 12), row.Cost);
        Assert.Equal(Enum.GetValues<ConvolutionAlgorithm>(), row.Algorithms.Select(a => a.Algorithm));
        Assert.Equal(CompactSrUpscaler.DefaultAlgorithm, row.Engine.Algorithm);
        foreach (var f in row.Algorithms.Select(a => a.Figures).Append(row.Reference!))
        {
            Assert.True(f.MsPerFrame > 0 && f.GflopsPerSecond > 0 && f.ShareOfPeak > 0 && f.CpuShareOfPeak > 0, f.ToString());
        }

        foreach (var a in row.Algorithms)
        {
            Assert.Equal(CompactSrCost.ExecutedMacs(weights, a.Algorithm, 24, 12), a.ExecutedMacs);
            Assert.True(a.PsnrVsReference >= 80, $"{a.Algorithm}: PSNR {a.PsnrVsReference}");
        }

        var direct = row.Of(ConvolutionAlgorithm.Direct)!;
        Assert.Equal(row.Cost.ConvMacs, direct.ExecutedMacs);
        Assert.True(row.Engine.ExecutedMacs < direct.ExecutedMacs && row.Engine.ExecutedShareOfPeak(row.Cost) < row.Engine.Figures.ShareOfPeak);
    }

    private sealed class ScalarUpscaler(CompactSrWeights weights) : IFrameUpscaler
    {
        public string Name => "scalar";

        public int Scale => weights.OutputScale;

        public PlanarImage Upscale(PlanarImage input, CancellationToken cancellationToken) => CompactSrReference.Run(weights, input);

        public void Dispose()
        {
        }
    }
}
