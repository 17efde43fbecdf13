using Upres.Engine.Imaging;
using Upres.Engine.Inference;
using Upres.Engine.Models;
using Upres.Engine.Tests.Models;
using Xunit.Abstractions;

namespace Upres.Engine.Tests.Tiling;

/// Converted catalog models (converted into the user cache on first use) on a real photo.
/// Receptive radii in input pixels: animevideov3 18 (18 3x3 convolutions), x4fast 34.
public class RealModelTilingTests(ITestOutputHelper output)
{
    private static readonly InferenceOptions TwoThreads = new() { IntraOpThreads = 2 };

    [TestImagesTheory]
    [InlineData("realesr-animevideov3-x2", 2, 16)]
    [InlineData("realesr-animevideov3-x2", 2, 20)]
    [InlineData("realesrgan-x4fast", 4, 16)]
    public async Task Tiled_runs_match_the_untiled_run(string model, int scale, int overlap)
    {
        var image = await ImageFile.ReadAsync(TestData.Image("Set14/LR_bicubic_X4/baboon.png"));
        var modelPath = await new ModelStore(UpresPaths.FromEnvironment()).GetOnnxPathAsync(model);
        using var session = OnnxSession.Create(modelPath, TwoThreads);
        using var tiled = new TiledUpscaler(session, scale, model, new TileOptions { TileSize = 48, Overlap = overlap }, ownsSession: false);

        var result = tiled.Upscale(image, CancellationToken.None);
        var untiled = TiledUpscalerTests.RunWhole(session, image, scale);

        var psnr = ImageMetrics.Psnr(result, untiled);
        output.WriteLine($"{model}, overlap {overlap}: PSNR {psnr:F1} dB, max difference {ImageMetrics.MaxAbsoluteDifference(result, untiled):G3}");
        Assert.True(psnr >= 50, $"PSNR {psnr:F1} dB with a {overlap} px overlap");
    }
}
