namespace Upres.Engine.Imaging;

/// Comparisons between frames of the same size, on the [0, 1] scale of PlanarImage.
public static class ImageMetrics
{
    /// Mean squared error over all three planes.
    public static double MeanSquaredError(PlanarImage a, PlanarImage b)
    {
        RequireSameSize(a, b);
        var x = a.Data;
        var y = b.Data;
        double sum = 0;
        for (var i = 0; i < x.Length; i++)
        {
            double d = x[i] - y[i];
            sum += d * d;
        }

        return sum / x.Length;
    }

    /// Peak signal-to-noise ratio in dB for a peak of 1.0; +Infinity when the frames are identical.
    public static double Psnr(PlanarImage a, PlanarImage b)
    {
        var mse = MeanSquaredError(a, b);
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(1.0 / mse);
    }

    public static float MaxAbsoluteDifference(PlanarImage a, PlanarImage b)
    {
        RequireSameSize(a, b);
        var max = 0f;
        for (var i = 0; i < a.Data.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a.Data[i] - b.Data[i]));
        }

        return max;
    }

    private static void RequireSameSize(PlanarImage a, PlanarImage b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Width != b.Width || a.Height != b.Height)
        {
            throw new ArgumentException($"frames differ in size: {a.Width}x{a.Height} and {b.Width}x{b.Height}");
        }
    }
}
