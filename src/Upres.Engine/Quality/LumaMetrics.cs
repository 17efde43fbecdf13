namespace Upres.Engine.Quality;

/// PSNR and SSIM as super-resolution papers report them, so our figures sit beside published
/// ones: both images rounded to 8 bits, the luma channel of ITU-R BT.601 (Y = 16 + 65.481 R +
/// 128.553 G + 24.966 B on [0, 1] RGB, MATLAB's rgb2ycbcr without its final rounding, as BasicSR
/// computes it), `border` pixels cropped from every edge, PSNR against a peak of 255, and SSIM
/// from Wang et al. 2004 (11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03, valid positions only).
public static class LumaMetrics
{
    private const int Window = 11;
    private const double Sigma = 1.5;
    private const double C1 = 0.01 * 255 * (0.01 * 255);
    private const double C2 = 0.03 * 255 * (0.03 * 255);

    public static double Psnr(LumaPlane output, LumaPlane truth, int border)
    {
        var (a, b) = Cropped(output, truth, border);
        double sum = 0;
        for (var i = 0; i < a.Pixels.Length; i++)
        {
            var d = a.Pixels[i] - b.Pixels[i];
            sum += d * d;
        }

        var mse = sum / a.Pixels.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    public static double Ssim(LumaPlane output, LumaPlane truth, int border)
    {
        var (a, b) = Cropped(output, truth, border);
        if (a.Width < Window || a.Height < Window)
        {
            throw new ArgumentException($"SSIM needs at least {Window}x{Window} pixels after the crop; got {a.Width}x{a.Height}");
        }

        var kernel = GaussianKernel();
        var width = a.Width - Window + 1;
        var height = a.Height - Window + 1;
        var sums = new double[height];
        Parallel.For(0, height, y =>
        {
            double rowSum = 0;
            for (var x = 0; x < width; x++)
            {
                double muA = 0, muB = 0, aa = 0, bb = 0, ab = 0;
                for (var ky = 0; ky < Window; ky++)
                {
                    var row = ((y + ky) * a.Width) + x;
                    for (var kx = 0; kx < Window; kx++)
                    {
                        var w = kernel[(ky * Window) + kx];
                        double va = a.Pixels[row + kx], vb = b.Pixels[row + kx];
                        muA += w * va;
                        muB += w * vb;
                        aa += w * va * va;
                        bb += w * vb * vb;
                        ab += w * va * vb;
                    }
                }

                var varA = aa - (muA * muA);
                var varB = bb - (muB * muB);
                var cov = ab - (muA * muB);
                rowSum += ((2 * muA * muB) + C1) * ((2 * cov) + C2) / (((muA * muA) + (muB * muB) + C1) * (varA + varB + C2));
            }

            sums[y] = rowSum;
        });
        return sums.Sum() / ((double)width * height);
    }

    private static (LumaPlane A, LumaPlane B) Cropped(LumaPlane a, LumaPlane b, int border)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentOutOfRangeException.ThrowIfNegative(border);
        if (a.Width != b.Width || a.Height != b.Height)
        {
            throw new ArgumentException($"images differ in size: {a.Width}x{a.Height} and {b.Width}x{b.Height}");
        }

        return (a.Crop(border, border, a.Width - (2 * border), a.Height - (2 * border)),
            b.Crop(border, border, b.Width - (2 * border), b.Height - (2 * border)));
    }

    private static double[] GaussianKernel()
    {
        var kernel = new double[Window * Window];
        const int half = Window / 2;
        double sum = 0;
        for (var y = 0; y < Window; y++)
        {
            for (var x = 0; x < Window; x++)
            {
                double dx = x - half, dy = y - half;
                sum += kernel[(y * Window) + x] = Math.Exp(-((dx * dx) + (dy * dy)) / (2 * Sigma * Sigma));
            }
        }

        for (var i = 0; i < kernel.Length; i++)
        {
            kernel[i] /= sum;
        }

        return kernel;
    }
}
