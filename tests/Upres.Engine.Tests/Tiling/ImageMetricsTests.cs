using Upres.Engine.Imaging;

namespace Upres.Engine.Tests.Tiling;

public class ImageMetricsTests
{
    [Fact]
    public void Identical_frames_have_infinite_PSNR()
    {
        var a = TestImages.Noisy(8, 8, 1);
        Assert.Equal(double.PositiveInfinity, ImageMetrics.Psnr(a, a));
    }

    [Fact]
    public void A_uniform_error_of_a_tenth_is_20_dB()
    {
        var a = new PlanarImage(4, 4);
        var b = new PlanarImage(4, 4);
        Array.Fill(b.Data, 0.1f);

        Assert.Equal(20, ImageMetrics.Psnr(a, b), 3);
        Assert.Equal(0.1f, ImageMetrics.MaxAbsoluteDifference(a, b));
    }

    [Fact]
    public void Frames_of_different_sizes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ImageMetrics.Psnr(new PlanarImage(2, 2), new PlanarImage(2, 3)));
    }
}
