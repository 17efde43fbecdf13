using Upres.Engine.Inference.Compact;

namespace Upres.Engine.Tests.Compact;

public class CompactSrUpscalerTests
{
    [Theory]
    [InlineData(1f, 40, 24)]
    [InlineData(0.5f, 40, 24)]
    [InlineData(0.75f, 40, 24)]
    [InlineData(1f, 13, 7)]
    [InlineData(0.5f, 7, 5)]
    public void The_engine_computes_what_the_scalar_network_computes(float tailScale, int width, int height)
    {
        var weights = CompactSrTestData.RandomWeights(seed: 1, bodyConvs: 3, tailScale);
        var input = CompactSrTestData.RandomImage(seed: 2, width, height);
        using var engine = CompactSrUpscaler.Create(weights, threads: 1);

        var fast = engine.Upscale(input, CancellationToken.None);
        var reference = CompactSrReference.Run(weights, input);

        Assert.Equal((reference.Width, reference.Height), (fast.Width, fast.Height));
        Assert.True(CompactSrTestData.MaxAbsDiff(fast, reference) < 1e-4, $"max diff {CompactSrTestData.MaxAbsDiff(fast, reference)}");
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(0.5f)]
    [InlineData(0.75f)]
    public void Bands_with_a_halo_give_the_same_frame_as_one_pass(float tailScale)
    {
        var weights = CompactSrTestData.RandomWeights(seed: 3, bodyConvs: 2, tailScale);
        var input = CompactSrTestData.RandomImage(seed: 4, 20, 45);
        using var banded = CompactSrUpscaler.Create(weights, threads: 3);
        using var single = CompactSrUpscaler.Create(weights, threads: 1);

        var a = banded.Upscale(input, CancellationToken.None);
        var b = single.UpscaleOnCallingThread(input, CancellationToken.None);

        Assert.Equal(b.Data, a.Data);
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
