using Upres.Engine.Benchmark;
using Upres.Engine.Imaging;
using Upres.Engine.Inference.Compact;
using Upres.Engine.Models.Conversion;
using Upres.Engine.Models.Ncnn;

namespace Upres.Engine.Tests.Compact;

public class CompactSrRealModelTests
{
    [Theory]
    [InlineData("realesr-animevideov3-x2", 16, 2, 1f / 2)]
    [InlineData("realesr-animevideov3-x3", 16, 3, 3f / 4)]
    [InlineData("realesr-animevideov3-x4", 16, 4, 1f)]
    [InlineData("realesrgan-x4fast", 32, 4, 1f)]
    public void The_ncnn_files_load_as_the_compact_network(string name, int bodyConvs, int scale, float tail)
    {
        var weights = CompactSrModels.Load(UpresPaths.FromEnvironment(), name);

        Assert.Equal(bodyConvs + 1, weights.Features.Count);
        Assert.Equal(scale, weights.OutputScale);
        Assert.Equal(tail, weights.TailScale);
        Assert.Equal(4, weights.Upscale);
    }

    [Theory]
    [InlineData("realesr-animevideov3-x2")]
    [InlineData("realesr-animevideov3-x3")]
    [InlineData("realesrgan-x4fast")]
    public void A_real_model_on_a_small_crop_matches_the_scalar_network(string name)
    {
        var weights = CompactSrModels.Load(UpresPaths.FromEnvironment(), name);
        var crop = ModelBenchmark.SyntheticFrame(14, 9);
        using var engine = CompactSrUpscaler.Create(weights, threads: 2);

        var psnr = ImageMetrics.Psnr(engine.Upscale(crop, CancellationToken.None), CompactSrReference.Run(weights, crop));

        Assert.True(psnr >= 80, $"PSNR {psnr:0.0} dB");
    }

    [Fact]
    public void The_cost_of_animevideov3_is_619200_macs_per_input_pixel()
    {
        var weights = CompactSrModels.Load(UpresPaths.FromEnvironment(), "realesr-animevideov3-x4");
        var fast = CompactSrModels.Load(UpresPaths.FromEnvironment(), "realesrgan-x4fast");

        Assert.Equal(619_200L * 640 * 360, CompactSrCost.For(weights, 640, 360).ConvMacs);
        Assert.Equal(1_209_024L * 640 * 360, CompactSrCost.For(fast, 640, 360).ConvMacs);

        // Winograd: the 3-channel head stays at 9 taps; every 64-channel layer drops to 6 (F(2,3)
        // along x), 4 (F(2x2,3x3)), 2.25 (F(4x4,3x3)) or 16/9 (F(6x6,3x3)).
        Assert.Equal(((3 * 64 * 9) + (16 * 64 * 64 * 6) + (64 * 48 * 6)) * 640L * 360, CompactSrCost.ExecutedMacs(weights, ConvolutionAlgorithm.WinogradRow, 640, 360));
        Assert.Equal(((3 * 64 * 9) + (32 * 64 * 64 * 6) + (64 * 48 * 6)) * 640L * 360, CompactSrCost.ExecutedMacs(fast, ConvolutionAlgorithm.WinogradRow, 640, 360));
        Assert.Equal(((3 * 64 * 9) + (32 * 64 * 64 * 4) + (64 * 48 * 4)) * 640L * 360, CompactSrCost.ExecutedMacs(fast, ConvolutionAlgorithm.Winograd2x2, 640, 360));
        Assert.Equal((((3 * 64 * 9 * 4) + (32 * 64 * 64 * 9) + (64 * 48 * 9)) * 640L * 360) / 4, CompactSrCost.ExecutedMacs(fast, ConvolutionAlgorithm.Winograd4x4, 640, 360));
        Assert.Equal((((3 * 64 * 9 * 9) + (32 * 64 * 64 * 16) + (64 * 48 * 16)) * 640L * 360) / 9, CompactSrCost.ExecutedMacs(fast, ConvolutionAlgorithm.Winograd6x6, 640, 360));
        Assert.Equal(CompactSrCost.For(fast, 640, 360).ConvMacs, CompactSrCost.ExecutedMacs(fast, ConvolutionAlgorithm.Direct, 640, 360));
    }

    // 60 dB is the bar the benchmark's target sets; the 2-D tiles' larger transform constants
    // cost some float precision over 33 layers, so x4fast runs every algorithm.
    [Theory]
    [InlineData("realesr-animevideov3-x2", ConvolutionAlgorithm.Winograd4x4)]
    [InlineData("realesr-animevideov3-x3", ConvolutionAlgorithm.Winograd4x4)]
    [InlineData("realesr-animevideov3-x4", ConvolutionAlgorithm.Winograd4x4)]
    [InlineData("realesrgan-x4fast", ConvolutionAlgorithm.Winograd4x4)]
    [InlineData("realesr-animevideov3-x2", ConvolutionAlgorithm.Winograd6x6)]
    [InlineData("realesrgan-x4fast", ConvolutionAlgorithm.Winograd6x6)]
    [InlineData("realesrgan-x4fast", ConvolutionAlgorithm.Winograd2x2)]
    [InlineData("realesrgan-x4fast", ConvolutionAlgorithm.WinogradRow)]
    [InlineData("realesrgan-x4fast", ConvolutionAlgorithm.Direct)]
    public void The_engine_equals_the_plain_onnx_conversion_run_by_onnx_runtime(string name, ConvolutionAlgorithm algorithm)
    {
        var paths = UpresPaths.FromEnvironment();
        var weights = CompactSrModels.Load(paths, name);
        var (param, bin) = CompactSrModels.Files(paths, name);
        var crop = ModelBenchmark.SyntheticFrame(64, 48);
        using var engine = CompactSrUpscaler.Create(weights, threads: 2, algorithm: algorithm);
        using var plain = PlainOnnxUpscaler.Create(param, bin, weights.OutputScale, threads: 2);

        var psnr = ImageMetrics.Psnr(engine.Upscale(crop, CancellationToken.None), plain.Upscale(crop, CancellationToken.None));

        Assert.True(psnr >= 60, $"PSNR {psnr:0.0} dB");
    }

    [Fact]
    public void A_graph_that_is_not_the_compact_network_is_refused()
    {
        var dir = Path.Combine(UpresPaths.FromEnvironment().PackageDirectory("waifu2x", "1.6.5"), "real-esrgan", "models");

        Assert.Throws<NcnnFormatException>(() => CompactSrNcnnLoader.Load(
            Path.Combine(dir, "realesrgan-x4plus-anime.param"), Path.Combine(dir, "realesrgan-x4plus-anime.bin")));
    }

    [Theory]
    [InlineData("realesr-animevideov3-x2")]
    [InlineData("realesrgan-x4fast")]
    public void With_the_binaries_prepadding_the_engine_equals_the_catalogs_framed_conversion(string name)
    {
        var paths = UpresPaths.FromEnvironment();
        var weights = CompactSrModels.Load(paths, name);
        var (param, bin) = CompactSrModels.Files(paths, name);
        var onnx = NcnnToOnnxConverter.Convert(
            NcnnNetwork.Load(param), File.ReadAllBytes(bin), new ConversionOptions(weights.OutputScale, InputFraming.RealEsrgan));
        using var session = Upres.Engine.Inference.OnnxSession.Create(onnx, new Upres.Engine.Inference.InferenceOptions { IntraOpThreads = 2 });
        var crop = ModelBenchmark.SyntheticFrame(40, 24);
        using var engine = CompactSrUpscaler.Create(weights, threads: 2, prePadding: InputFraming.RealEsrgan.PrePadding);
        var s = weights.OutputScale;
        var expected = new PlanarImage(40 * s, 24 * s);
        session.Run(crop.Data, [1, 3, 24, 40], expected.Data, [1, 3, 24 * s, 40 * s], CancellationToken.None);

        var psnr = ImageMetrics.Psnr(engine.Upscale(crop, CancellationToken.None), expected);

        Assert.True(psnr >= 50, $"PSNR {psnr:0.0} dB");
    }
}
