using Upres.Engine.Imaging;
using Upres.Engine.Inference;
using Upres.Engine.Models.Onnx;

namespace Upres.Engine.Tests.Tiling;

public class BicubicUpscalerTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void It_matches_ONNX_Resize_cubic(int scale)
    {
        var image = TestImages.Noisy(23, 17, seed: scale);
        var b = new OnnxGraphBuilder("cubic");
        var x = b.AddInput("x", 1, 3, -1, -1);
        var scales = b.AddInitializer("scales", [1f, 1f, scale, scale], 4);
        b.AddNode("Resize", [x, "", scales], ["y"], new OnnxAttribute.String("mode", "cubic"), new OnnxAttribute.Float("cubic_coeff_a", -0.75f));
        b.AddOutput("y", 1, 3, -1, -1);
        using var session = OnnxSession.Create(b.ToModelBytes(), new InferenceOptions { IntraOpThreads = 2 });
        using var bicubic = new BicubicUpscaler(scale);

        var ours = bicubic.Upscale(image, CancellationToken.None);
        var reference = TiledUpscalerTests.RunWhole(session, image, scale);

        Assert.True(ImageMetrics.MaxAbsoluteDifference(ours, reference) < 1e-5f, $"max difference {ImageMetrics.MaxAbsoluteDifference(ours, reference)}");
    }

    [Fact]
    public void A_flat_frame_stays_flat_at_any_size()
    {
        var flat = new PlanarImage(5, 3);
        Array.Fill(flat.Data, 0.25f);

        var resized = BicubicUpscaler.Resize(flat, 13, 8, CancellationToken.None);

        Assert.All(resized.Data, v => Assert.Equal(0.25f, v, 5));
    }
}
