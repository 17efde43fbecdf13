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
        var options = new ModelBenchmarkOptions(Width: 24, Height: 12, FramesPerThread: 1, Threads: 2, Bands: bands) { PeakDuration = TimeSpan.FromMilliseconds(100) };

        var report = ModelBenchmark.Run([weights], w => new ScalarUpscaler(w), options, CancellationToken.None);

        var row = Assert.Single(report.Models);
        Assert.True(report.Peak.GflopsPerSecond > 0);
        Assert.Equal(CompactSrCost.For(weights, 24, 12), row.Cost);
        foreach (var f in new[] { row.Engine, row.Direct, row.Reference! })
        {
            Assert.True(f.MsPerFrame > 0 && f.GflopsPerSecond > 0 && f.ShareOfPeak > 0 && f.CpuShareOfPeak > 0, f.ToString());
        }

        Assert.Equal(CompactSrCost.WinogradMacs(weights, 24, 12), row.WinogradMacs);
        Assert.True(row.WinogradMacs < row.Cost.ConvMacs && row.ExecutedShareOfPeak < row.Engine.ShareOfPeak);
        Assert.True(row.PsnrVsReference >= 80, $"PSNR {row.PsnrVsReference}");
        Assert.True(row.DirectPsnrVsReference >= 80, $"PSNR {row.DirectPsnrVsReference}");
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
