using Upres.Engine.Imaging;
using Upres.Engine.Inference;
using Upres.Engine.Models;
using Upres.Engine.Tests.Models;
using Xunit.Abstractions;

namespace Upres.Engine.Tests.Tiling;

/// The converted realesr-animevideov3-x2 (converted into the user cache on first use) on a real
/// photo. Its receptive radius is 18 input pixels (18 3x3 convolutions).
public class RealModelTilingTests(ITestOutputHelper output)
{
    private static readonly InferenceOptions TwoThreads = new() { IntraOpThreads = 2 };

    [TestImagesTheory]
    [InlineData(16)]
    [InlineData(20)]
    public async Task Tiled_animevideov3_x2_matches_its_untiled_run(int overlap)
    {
        var image = await ImageFile.ReadAsync(TestData.Image("Set14/LR_bicubic_X4/baboon.png"));
        var modelPath = await new ModelStore(UpresPaths.FromEnvironment()).GetOnnxPathAsync("realesr-animevideov3-x2");
        using var session = OnnxSession.Create(modelPath, TwoThreads);
        using var tiled = new TiledUpscaler(session, 2, "animevideov3-x2", new TileOptions { TileSize = 48, Overlap = overlap }, ownsSession: false);

        var result = tiled.Upscale(image, CancellationToken.None);
        var untiled = TiledUpscalerTests.RunWhole(session, image, 2);

        var psnr = ImageMetrics.Psnr(result, untiled);
        output.WriteLine($"overlap {overlap}: PSNR {psnr:F1} dB, max difference {ImageMetrics.MaxAbsoluteDifference(result, untiled):G3}");
        Assert.True(psnr >= 50, $"PSNR {psnr:F1} dB with a {overlap} px overlap");
    }
}
