using System.Numerics;
using Upres.Engine.Imaging;

namespace Upres.Engine.Pipeline;

/// Decides, frame by frame in decode order, whether a frame repeats the reference: the last
/// frame the model ran on (not simply the previous frame, so a slow fade whose every step is
/// under the threshold still moves the reference along and never freezes the output).
public sealed class HeldFrameDetector(HeldFramePolicy policy)
{
    private const int Block = 32;

    /// A block may differ this many times the frame's allowed mean squared error (10 dB).
    private const double BlockAllowance = 10;

    private PlanarImage? reference;
    private byte[]? packedReference;

    public HeldFramePolicy Policy { get; } = policy;

    /// Frames that reused the reference's output.
    public long Held { get; private set; }

    /// True: reuse the reference's output for this frame. False: run the model; the frame
    /// becomes the reference.
    public bool IsHeld(PlanarImage frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (Policy.Enabled && reference is not null && Matches(reference, frame, Policy.ThresholdDb))
        {
            Held++;
            return true;
        }

        reference = frame;
        return false;
    }

    /// The same decision for an 8-bit packed RGB frame (the pipeline's packed path).
    public bool IsHeld(byte[] frame, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (Policy.Enabled && packedReference is not null && Matches(packedReference, frame, width, height, Policy.ThresholdDb))
        {
            Held++;
            return true;
        }

        packedReference = frame;
        return false;
    }

    /// PSNR(a, b) >= thresholdDb over the frame and every 32x32 block within thresholdDb - 10
    /// (values in [0, 1]); stops at the first block that rules the match out.
    public static bool Matches(PlanarImage a, PlanarImage b, double thresholdDb)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Width != b.Width || a.Height != b.Height)
        {
            return false;
        }

        var plane = a.Width * a.Height;
        return Matches(a.Width, a.Height, thresholdDb, 1.0, (y, x0, x1) =>
        {
            double sum = 0;
            for (var c = 0; c < 3; c++)
            {
                var offset = (c * plane) + (y * a.Width) + x0;
                sum += SquaredDifference(a.Data.AsSpan(offset, x1 - x0), b.Data.AsSpan(offset, x1 - x0));
            }

            return sum;
        });
    }

    /// Matches for two 8-bit packed RGB frames (values in [0, 255]): the same decision as for
    /// the planar frames they convert to.
    public static bool Matches(byte[] a, byte[] b, int width, int height, double thresholdDb)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Length != b.Length || a.Length != width * height * 3)
        {
            return false;
        }

        return Matches(width, height, thresholdDb, 255.0 * 255.0, (y, x0, x1) =>
        {
            var offset = ((y * width) + x0) * 3;
            var ra = a.AsSpan(offset, (x1 - x0) * 3);
            var rb = b.AsSpan(offset, (x1 - x0) * 3);
            long sum = 0;
            for (var i = 0; i < ra.Length; i++)
            {
                var d = ra[i] - rb[i];
                sum += d * d;
            }

            return sum;
        });
    }

    // rowBlockSum(y, x0, x1): the squared differences of row y, pixels [x0, x1), all channels,
    // in units whose full scale squared is fullScaleSquared.
    private static bool Matches(int w, int h, double thresholdDb, double fullScaleSquared, Func<int, int, int, double> rowBlockSum)
    {
        var allowed = Math.Pow(10, -thresholdDb / 10) * fullScaleSquared;
        var blocksAcross = (w + Block - 1) / Block;
        var sums = new double[blocksAcross];
        var plane = w * h;
        double total = 0;
        for (var by = 0; by < h; by += Block)
        {
            Array.Clear(sums);
            var rows = Math.Min(Block, h - by);
            for (var y = by; y < by + rows; y++)
            {
                for (var bx = 0; bx < blocksAcross; bx++)
                {
                    var x0 = bx * Block;
                    sums[bx] += rowBlockSum(y, x0, Math.Min(w, x0 + Block));
                }
            }

            for (var bx = 0; bx < blocksAcross; bx++)
            {
                var values = 3.0 * rows * (Math.Min(w, (bx + 1) * Block) - (bx * Block));
                if (sums[bx] > allowed * BlockAllowance * values)
                {
                    return false;
                }

                total += sums[bx];
            }
        }

        return total <= allowed * 3.0 * plane;
    }

    private static double SquaredDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var acc = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var d = new Vector<float>(a[i..]) - new Vector<float>(b[i..]);
            acc += d * d;
        }

        double sum = Vector.Sum(acc);
        for (; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }

        return sum;
    }
}
