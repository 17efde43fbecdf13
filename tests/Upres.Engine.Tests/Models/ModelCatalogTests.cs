using System.Security.Cryptography;
using Upres.Engine.Models;

namespace Upres.Engine.Tests.Models;

public class ModelCatalogTests
{
    [Fact]
    public void The_catalog_has_every_model_the_service_offers_with_a_default_per_scale()
    {
        var catalog = ModelCatalog.Default;

        Assert.Equal(17, catalog.All.Count);
        Assert.Equal([2, 3, 4], catalog.Scales);
        Assert.Equal("realesr-animevideov3-x2", catalog.DefaultFor(2).Name);
        Assert.Equal("realesr-animevideov3-x3", catalog.DefaultFor(3).Name);
        Assert.Equal("realesrgan-x4fast", catalog.DefaultFor(4).Name);
        Assert.Equal(ContentKind.RealWorld, catalog.Get("realesrgan-x4plus").Content);
        Assert.Equal(DenoiseLevel.Level2, catalog.Get("realcugan-up2x-denoise2x").Denoise);
    }

    [Theory]
    [InlineData(2, DenoiseLevel.Level1, "realcugan-up2x-denoise1x")]
    [InlineData(3, DenoiseLevel.Level3, "realcugan-up3x-denoise3x")]
    [InlineData(4, DenoiseLevel.Conservative, "realcugan-up4x-conservative")]
    public void Denoising_models_are_found_by_scale_and_level(int scale, DenoiseLevel level, string expected)
    {
        Assert.Equal(expected, ModelCatalog.Default.Find(scale, ContentKind.Animation, level)?.Name);
    }

    [Fact]
    public void An_unknown_name_lists_the_known_ones()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => ModelCatalog.Default.Get("esrgan-x8"));
        Assert.Contains("realesrgan-x4fast", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_cached_source_file_has_the_catalog_sha256()
    {
        var paths = UpresPaths.FromEnvironment();
        foreach (var model in ModelCatalog.Default.All)
        {
            foreach (var (file, expected) in new[] { (model.Source.ParamFile(paths), model.Source.ParamSha256), (model.Source.BinFile(paths), model.Source.BinSha256) })
            {
                Assert.True(File.Exists(file), $"{file} is missing: scripts/setup.sh fetches the model packages");
                using var stream = File.OpenRead(file);
                Assert.Equal(expected, Convert.ToHexStringLower(SHA256.HashData(stream)));
            }
        }
    }
}
