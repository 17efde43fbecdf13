using Upres.Engine.Imaging;
using Upres.Engine.Inference.Compact;

namespace Upres.Engine.Tests.Compact;

public class CompactSrUpscalerTests
{
    // Widths around the kernels' chunks (6 direct, 12 Winograd) exercise the padding columns.
    [Theory]
    [InlineData(1f, 40, 24, ConvolutionAlgorithm.Winograd)]
    [InlineData(1f, 40, 24, ConvolutionAlgorithm.Direct)]
    [InlineData(0.5f, 40, 24, ConvolutionAlgorithm.Winograd)]
    [InlineData(0.5f, 40, 24, ConvolutionAlgorithm.Direct)]
    [InlineData(0.75f, 40, 24, ConvolutionAlgorithm.Winograd)]
    [InlineData(1f, 13, 7, ConvolutionAlgorithm.Winograd)]
    [InlineData(1f, 13, 7, ConvolutionAlgorithm.Direct)]
    [InlineData(0.5f, 7, 5, ConvolutionAlgorithm.Winograd)]
    [InlineData(1f, 1, 3, ConvolutionAlgorithm.Winograd)]
    [InlineData(1f, 12, 4, ConvolutionAlgorithm.Winograd)]
    [InlineData(1f, 25, 4, ConvolutionAlgorithm.Winograd)]
    public void The_engine_computes_what_the_scalar_network_computes(float tailScale, int width, int height, ConvolutionAlgorithm algorithm)
    {
        var weights = CompactSrTestData.RandomWeights(seed: 1, bodyConvs: 3, tailScale);
        var input = CompactSrTestData.RandomImage(seed: 2, width, height);
        using var engine = CompactSrUpscaler.Create(weights, threads: 1, algorithm: algorithm);

        var fast = engine.Upscale(input, CancellationToken.None);
        var reference = CompactSrReference.Run(weights, input);

        Assert.Equal((reference.Width, reference.Height), (fast.Width, fast.Height));
        Assert.True(CompactSrTestData.MaxAbsDiff(fast, reference) < 1e-4, $"max diff {CompactSrTestData.MaxAbsDiff(fast, reference)}");
    }

    [Theory]
    [InlineData(1f, ConvolutionAlgorithm.Winograd)]
    [InlineData(0.5f, ConvolutionAlgorithm.Winograd)]
    [InlineData(0.75f, ConvolutionAlgorithm.Winograd)]
    [InlineData(0.5f, ConvolutionAlgorithm.Direct)]
    public void Bands_with_a_halo_give_the_same_frame_as_one_pass(float tailScale, ConvolutionAlgorithm algorithm)
    {
        var weights = CompactSrTestData.RandomWeights(seed: 3, bodyConvs: 2, tailScale);
        var input = CompactSrTestData.RandomImage(seed: 4, 20, 45);
        using var banded = CompactSrUpscaler.Create(weights, threads: 3, algorithm: algorithm);
        using var single = CompactSrUpscaler.Create(weights, threads: 1, algorithm: algorithm);

        var a = banded.Upscale(input, CancellationToken.None);
        var b = single.UpscaleOnCallingThread(input, CancellationToken.None);

        Assert.Equal(b.Data, a.Data);
    }

    [Fact]
    public void Winograd_and_direct_agree_on_a_deep_network()
    {
        var weights = CompactSrTestData.RandomWeights(seed: 12, bodyConvs: 16, 0.5f);
        var input = CompactSrTestData.RandomImage(seed: 13, 61, 19);
        using var winograd = CompactSrUpscaler.Create(weights, threads: 1, algorithm: ConvolutionAlgorithm.Winograd);
        using var direct = CompactSrUpscaler.Create(weights, threads: 1, algorithm: ConvolutionAlgorithm.Direct);

        var a = winograd.Upscale(input, CancellationToken.None);
        var b = direct.Upscale(input, CancellationToken.None);

        Assert.NotEqual(b.Data, a.Data); // different arithmetic, so not bit-identical ...
        Assert.True(ImageMetrics.Psnr(a, b) >= 100, $"PSNR {ImageMetrics.Psnr(a, b)}"); // ... but the same result
    }

    [Fact]
    public void A_frame_size_change_reuses_nothing_stale()
    {
        var weights = CompactSrTestData.RandomWeights(seed: 5, bodyConvs: 1, 1f);
        using var engine = CompactSrUpscaler.Create(weights, threads: 1);
        var small = CompactSrTestData.RandomImage(6, 9, 6);
        var large = CompactSrTestData.RandomImage(7, 17, 6);

        engine.Upscale(large, CancellationToken.None);
        var result = engine.Upscale(small, CancellationToken.None);

        Assert.True(CompactSrTestData.MaxAbsDiff(result, CompactSrReference.Run(weights, small)) < 1e-4);
    }

    [Fact]
    public void A_cancelled_token_stops_the_frame()
    {
        var weights = CompactSrTestData.RandomWeights(seed: 8, bodyConvs: 1, 1f);
        using var engine = CompactSrUpscaler.Create(weights, threads: 2);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => engine.Upscale(CompactSrTestData.RandomImage(9, 16, 64), cts.Token));
    }
}
