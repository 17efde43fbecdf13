using Upres.Engine.Imaging;

namespace Upres.Engine.Interpolation;

/// Tells a hard cut between two consecutive frames from motion, cheaply, on the frames before
/// upscaling: luma sampled on a sparse grid, compared by histogram (a cut changes what is in the
/// picture, motion mostly moves it) and by mean absolute difference (a cut changes most pixels).
/// Both must agree, or the difference alone must be extreme; interpolating across a cut would
/// invent a ghosted blend of two unrelated pictures, so a doubtful pair is better called a cut.
public sealed class SceneCutDetector
{
    private const int Bins = 32;
    private const int MaxSamples = 16_384;

    /// Fraction of the histogram that moved (0..1) above which the content changed.
    public const double HistogramThreshold = 0.3;

    /// Mean absolute luma difference (0..1) above which most of the picture changed.
    public const double DifferenceThreshold = 0.08;

    /// A difference this large is a cut whatever the histogram says (e.g. a cut between two
    /// pictures with the same colours in other places).
    public const double ExtremeDifference = 0.3;

    private Signature? _previous;

    /// Frames fed in order; true when this frame starts a new shot (never for the first).
    public bool IsCut(PlanarImage frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var current = Measure(frame);
        var previous = _previous;
        _previous = current;
        if (previous is null || previous.Luma.Length != current.Luma.Length)
        {
            return false;
        }

        var (histogram, difference) = Compare(previous, current);
        return (histogram >= HistogramThreshold && difference >= DifferenceThreshold) || difference >= ExtremeDifference;
    }

    /// (histogram distance, mean absolute luma difference), both 0..1.
    public static (double Histogram, double Difference) Compare(PlanarImage a, PlanarImage b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Width != b.Width || a.Height != b.Height)
        {
            throw new ArgumentException("frames differ in size");
        }

        return Compare(Measure(a), Measure(b));
    }

    private static (double Histogram, double Difference) Compare(Signature a, Signature b)
    {
        double moved = 0;
        for (var i = 0; i < Bins; i++)
        {
            moved += Math.Abs(a.Histogram[i] - b.Histogram[i]);
        }

        double difference = 0;
        for (var i = 0; i < a.Luma.Length; i++)
        {
            difference += Math.Abs(a.Luma[i] - b.Luma[i]);
        }

        return (moved / (2.0 * a.Luma.Length), difference / a.Luma.Length);
    }

    private sealed record Signature(float[] Luma, int[] Histogram);

    private static Signature Measure(PlanarImage frame)
    {
        var step = Math.Max(1, (int)Math.Ceiling(Math.Sqrt((double)frame.Width * frame.Height / MaxSamples)));
        var columns = (frame.Width + step - 1) / step;
        var rows = (frame.Height + step - 1) / step;
        var luma = new float[columns * rows];
        var histogram = new int[Bins];
        var r = frame.Plane(0);
        var g = frame.Plane(1);
        var b = frame.Plane(2);
        var k = 0;
        for (var y = 0; y < frame.Height; y += step)
        {
            for (var x = 0; x < frame.Width; x += step)
            {
                var i = (y * frame.Width) + x;
                var value = Math.Clamp((0.299f * r[i]) + (0.587f * g[i]) + (0.114f * b[i]), 0f, 1f);
                luma[k++] = value;
                histogram[Math.Min(Bins - 1, (int)(value * Bins))]++;
            }
        }

        return new Signature(luma, histogram);
    }
}
