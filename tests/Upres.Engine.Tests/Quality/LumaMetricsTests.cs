using Upres.Engine.Imaging;
using Upres.Engine.Quality;
using Upres.Engine.Tests.Models;

namespace Upres.Engine.Tests.Quality;

public class LumaMetricsTests
{
    private const double C1 = 6.5025; // (0.01 * 255)^2
    private const double C2 = 58.5225; // (0.03 * 255)^2

    private static PlanarImage Gray(int width, int height, int level)
    {
        var image = new PlanarImage(width, height);
        Array.Fill(image.Data, level / 255f);
        return image;
    }

    [Fact]
    public void Gray_becomes_luma_on_the_studio_range()
    {
        Assert.Equal(16, LumaPlane.From(Gray(2, 2, 0)).Pixels[0], 9);
        Assert.Equal(235, LumaPlane.From(Gray(2, 2, 255)).Pixels[0], 9);
    }

    [Fact]
    public void A_uniform_error_of_ten_levels_has_the_PSNR_of_its_luma_difference()
    {
        var truth = LumaPlane.From(Gray(16, 16, 100));
        var output = LumaPlane.From(Gray(16, 16, 110));
        var lumaDifference = 219.0 * 10 / 255;

        Assert.Equal(20 * Math.Log10(255 / lumaDifference), LumaMetrics.Psnr(output, truth, border: 2), 9);
        Assert.Equal(double.PositiveInfinity, LumaMetrics.Psnr(truth, truth, border: 2));
    }

    [Fact]
    public void SSIM_of_flat_images_is_the_luminance_term_alone()
    {
        var a = LumaPlane.From(Gray(20, 20, 100));
        var b = LumaPlane.From(Gray(20, 20, 160));
        double ya = a.Pixels[0], yb = b.Pixels[0];

        Assert.Equal(((2 * ya * yb) + C1) / ((ya * ya) + (yb * yb) + C1), LumaMetrics.Ssim(a, b, border: 1), 9);
        Assert.Equal(1, LumaMetrics.Ssim(a, a, border: 1), 12);
    }

    [Fact]
    public void SSIM_of_a_pattern_against_its_negative_follows_the_formula()
    {
        // A checkerboard of 16 and 235 luma against its inverse: same mean, same variance,
        // covariance = -variance everywhere, so SSIM = (-2 var + C2) / (2 var + C2) at every window.
        var a = new LumaPlane(24, 24, new double[24 * 24]);
        var b = new LumaPlane(24, 24, new double[24 * 24]);
        for (var i = 0; i < a.Pixels.Length; i++)
        {
            var odd = ((i % 24) + (i / 24)) % 2 == 1;
            a.Pixels[i] = odd ? 235 : 16;
            b.Pixels[i] = odd ? 16 : 235;
        }

        var ssim = LumaMetrics.Ssim(a, b, border: 0);

        Assert.InRange(ssim, -1, -0.99);
    }

    [Fact]
    public void Differences_inside_the_cropped_border_do_not_count()
    {
        var truth = Gray(32, 32, 128);
        var output = Gray(32, 32, 128);
        for (var y = 0; y < 32; y++)
        {
            for (var x = 0; x < 32; x++)
            {
                if (x < 4 || y < 4 || x >= 28 || y >= 28)
                {
                    output.Data[(y * 32) + x] = 0;
                }
            }
        }

        Assert.Equal(double.PositiveInfinity, LumaMetrics.Psnr(LumaPlane.From(output), LumaPlane.From(truth), border: 4));
        Assert.True(LumaMetrics.Psnr(LumaPlane.From(output), LumaPlane.From(truth), border: 3) < 30);
    }

    [Fact]
    public void Images_of_different_sizes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => LumaMetrics.Psnr(LumaPlane.From(Gray(8, 8, 1)), LumaPlane.From(Gray(8, 9, 1)), 0));
    }

    // The bicubic row every SR paper prints (e.g. EDSR, RCAN): Set5 x4 28.42 dB / 0.8104, x2 33.66 / 0.9299.
    [TestImagesTheory]
    [InlineData(4, 28.42, 0.8104)]
    [InlineData(2, 33.66, 0.9299)]
    public async Task MATLAB_bicubic_on_Set5_scores_the_published_figures(int scale, double psnr, double ssim)
    {
        var testData = Path.GetDirectoryName(TestData.ImagesDirectory)!;
        var (set, missing) = QualitySet.Locate($"set5-x{scale}", testData);
        Assert.True(set is not null, missing);
        using var bicubic = new ClassicalUpscaler(ClassicalKernel.Bicubic, scale);
        double sumPsnr = 0, sumSsim = 0;
        foreach (var sample in set.Samples)
        {
            var output = LumaPlane.From(bicubic.Upscale(await ImageFile.ReadAsync(sample.InputPath), CancellationToken.None));
            var truth = LumaPlane.From(await ImageFile.ReadAsync(sample.GroundTruthPath!)).Crop(0, 0, output.Width, output.Height);
            sumPsnr += LumaMetrics.Psnr(output, truth, scale);
            sumSsim += LumaMetrics.Ssim(output, truth, scale);
        }

        Assert.Equal(5, set.Samples.Count);
        Assert.InRange(sumPsnr / 5, psnr - 0.03, psnr + 0.03);
        Assert.InRange(sumSsim / 5, ssim - 0.0015, ssim + 0.0015);
    }

    [Fact]
    public void Block_motion_compensates_a_shifted_texture()
    {
        var random = new Random(5);
        var previous = new LumaPlane(96, 64, Enumerable.Range(0, 96 * 64).Select(_ => 16 + (219 * random.NextDouble())).ToArray());
        var next = new LumaPlane(96, 64, new double[96 * 64]);
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 96; x++)
            {
                // The content moved 3 right and 2 up: next(x, y) = previous(x - 3, y + 2).
                next.Pixels[(y * 96) + x] = previous.Pixels[(Math.Clamp(y + 2, 0, 63) * 96) + Math.Clamp(x - 3, 0, 95)];
            }
        }

        var motion = BlockMotion.Estimate(previous, next);

        Assert.Equal(0, motion.Residual(previous, next, border: 4).Average(Math.Abs), 9);
        Assert.True(BlockMotion.Estimate(previous, previous).Residual(previous, next, border: 4).Average(Math.Abs) > 40);
    }
}
