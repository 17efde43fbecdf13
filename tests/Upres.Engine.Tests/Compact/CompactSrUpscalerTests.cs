using Upres.Engine.Benchmark;
using Upres.Engine.Imaging;
using Upres.Engine.Inference.Compact;

namespace Upres.Engine.Tests.Compact;

public class CompactSrUpscalerTests
{
    // Widths around the kernels' chunks (6 direct, 12 F(2,3) and F(2x2), 24 F(4x4), 36 F(6x6))
    // exercise the padding columns; heights around the row groups (2, 4, 6) the rows a group
    // computes past the frame.
    [Theory]
    [InlineData(1f, 24, 8, ConvolutionAlgorithm.Winograd4x4)]
    [InlineData(1f, 25, 9, ConvolutionAlgorithm.Winograd4x4)]
    [InlineData(0.5f, 23, 7, ConvolutionAlgorithm.Winograd4x4)]
    [InlineData(0.75f, 49, 6, ConvolutionAlgorithm.Winograd4x4)]
    [InlineData(1f, 1, 1, ConvolutionAlgorithm.Winograd4x4)]
    [InlineData(1f, 5, 2, ConvolutionAlgorithm.Winograd4x4)]
    [InlineData(1f, 47, 13, ConvolutionAlgorithm.Winograd4x4)]
    [InlineData(1f, 36, 12, ConvolutionAlgorithm.Winograd6x6)]
    [InlineData(1f, 37, 13, ConvolutionAlgorithm.Winograd6x6)]
    [InlineData(0.5f, 35, 5, ConvolutionAlgorithm.Winograd6x6)]
    [InlineData(0.75f, 73, 7, ConvolutionAlgorithm.Winograd6x6)]
    [InlineData(1f, 1, 1, ConvolutionAlgorithm.Winograd6x6)]
    [InlineData(1f, 12, 4, ConvolutionAlgorithm.Winograd2x2)]
    [InlineData(1f, 13, 5, ConvolutionAlgorithm.Winograd2x2)]
    [InlineData(0.5f, 11, 3, ConvolutionAlgorithm.Winograd2x2)]
    [InlineData(1f, 1, 1, ConvolutionAlgorithm.Winograd2x2)]
    [InlineData(1f, 40, 24, ConvolutionAlgorithm.WinogradRow)]
    [InlineData(1f, 40, 24, ConvolutionAlgorithm.Direct)]
    [InlineData(0.5f, 40, 24, ConvolutionAlgorithm.WinogradRow)]
    [InlineData(0.5f, 40, 24, ConvolutionAlgorithm.Direct)]
    [InlineData(0.75f, 40, 24, ConvolutionAlgorithm.WinogradRow)]
    [InlineData(1f, 13, 7, ConvolutionAlgorithm.WinogradRow)]
    [InlineData(1f, 13, 7, ConvolutionAlgorithm.Direct)]
    [InlineData(0.5f, 7, 5, ConvolutionAlgorithm.WinogradRow)]
    [InlineData(1f, 1, 3, ConvolutionAlgorithm.WinogradRow)]
    [InlineData(1f, 12, 4, ConvolutionAlgorithm.WinogradRow)]
    [InlineData(1f, 25, 4, ConvolutionAlgorithm.WinogradRow)]
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
    [InlineData(1f, ConvolutionAlgorithm.Winograd4x4)]
    [InlineData(0.5f, ConvolutionAlgorithm.Winograd4x4)]
    [InlineData(1f, ConvolutionAlgorithm.Winograd2x2)]
    [InlineData(1f, ConvolutionAlgorithm.Winograd6x6)]
    [InlineData(0.5f, ConvolutionAlgorithm.Winograd6x6)]
    [InlineData(1f, ConvolutionAlgorithm.WinogradRow)]
    [InlineData(0.5f, ConvolutionAlgorithm.WinogradRow)]
    [InlineData(0.75f, ConvolutionAlgorithm.WinogradRow)]
    [InlineData(0.5f, ConvolutionAlgorithm.Direct)]
    public void Bands_with_a_halo_give_the_same_frame_as_one_pass(float tailScale, ConvolutionAlgorithm algorithm)
    {
        var weights = CompactSrTestData.RandomWeights(seed: 3, bodyConvs: 2, tailScale);
        var input = CompactSrTestData.RandomImage(seed: 4, 20, 45);
        using var banded = CompactSrUpscaler.Create(weights, threads: 3, algorithm: algorithm);
        using var single = CompactSrUpscaler.Create(weights, threads: 1, algorithm: algorithm);

        var a = banded.Upscale(input, CancellationToken.None);
        var b = single.UpscaleOnCallingThread(input, CancellationToken.None);

        if (algorithm is ConvolutionAlgorithm.Winograd4x4 or ConvolutionAlgorithm.Winograd2x2 or ConvolutionAlgorithm.Winograd6x6)
        {
            // A 2-D tile mixes its rows in float: a row next to a band's cut sees the zero rows
            // beyond it through rounding (about 1e-7 per layer), not through the arithmetic;
            // the same bound as against the scalar network.
            Assert.True(CompactSrTestData.MaxAbsDiff(a, b) < 1e-4, $"max diff {CompactSrTestData.MaxAbsDiff(a, b)}");
        }
        else
        {
            Assert.Equal(b.Data, a.Data);
        }
    }

    [Theory]
    [InlineData(ConvolutionAlgorithm.Winograd4x4)]
    [InlineData(ConvolutionAlgorithm.Winograd2x2)]
    [InlineData(ConvolutionAlgorithm.Winograd6x6)]
    [InlineData(ConvolutionAlgorithm.WinogradRow)]
    public void Winograd_and_direct_agree_on_a_deep_network(ConvolutionAlgorithm algorithm)
    {
        var weights = CompactSrTestData.RandomWeights(seed: 12, bodyConvs: 16, 0.5f);
        var input = CompactSrTestData.RandomImage(seed: 13, 61, 19);
        using var winograd = CompactSrUpscaler.Create(weights, threads: 1, algorithm: algorithm);
        using var direct = CompactSrUpscaler.Create(weights, threads: 1, algorithm: ConvolutionAlgorithm.Direct);

        var a = winograd.Upscale(input, CancellationToken.None);
        var b = direct.Upscale(input, CancellationToken.None);

        Assert.NotEqual(b.Data, a.Data); // different arithmetic, so not bit-identical ...
        Assert.True(ImageMetrics.Psnr(a, b) >= 100, $"PSNR {ImageMetrics.Psnr(a, b)}"); // ... but the same result
    }

    // What the kernels really run, padding columns and the rows past the frame included, against
    // the ideal count: 9, 6, 4, 2.25 and 16/9 multiply-adds per pixel and channel pair of the body.
    [Theory]
    [InlineData(ConvolutionAlgorithm.Direct, 9.0, 1.0)]
    [InlineData(ConvolutionAlgorithm.WinogradRow, 6.0, 1.0)]
    [InlineData(ConvolutionAlgorithm.Winograd2x2, 4.0, 1.02)]
    [InlineData(ConvolutionAlgorithm.Winograd4x4, 2.25, 1.07)]
    [InlineData(ConvolutionAlgorithm.Winograd6x6, 16.0 / 9, 1.10)]
    public void The_engine_executes_the_multiply_adds_its_algorithm_promises(ConvolutionAlgorithm algorithm, double perPixel, double rowOverhead)
    {
        var weights = CompactSrTestData.RandomWeights(seed: 14, bodyConvs: 2, 1f);
        const int width = 72, height = 64; // whole chunks: no padding columns
        using var engine = CompactSrUpscaler.Create(weights, threads: 1, algorithm: algorithm);

        engine.UpscaleOnCallingThread(CompactSrTestData.RandomImage(seed: 15, width, height), CancellationToken.None);

        long head = 9L * 3 * 64 * width * height;
        var body = (2 * 64 * 64) + (64 * 48);
        var ideal = CompactSrCost.ExecutedMacs(weights, algorithm, width, height);
        Assert.Equal(head + (long)Math.Round(perPixel * body * width * height), ideal);
        var executed = engine.ExecutedMacs;
        Assert.InRange(executed, ideal, head + ((ideal - head) * rowOverhead));
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
