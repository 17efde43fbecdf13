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

        int w = a.Width, h = a.Height;
        var allowed = Math.Pow(10, -thresholdDb / 10);
        var blocksAcross = (w + Block - 1) / Block;
        var sums = new double[blocksAcross];
        var plane = w * h;
        double total = 0;
        for (var by = 0; by < h; by += Block)
        {
            Array.Clear(sums);
            var rows = Math.Min(Block, h - by);
            for (var c = 0; c < 3; c++)
            {
                for (var y = by; y < by + rows; y++)
                {
                    var ra = a.Data.AsSpan((c * plane) + (y * w), w);
                    var rb = b.Data.AsSpan((c * plane) + (y * w), w);
                    for (var bx = 0; bx < blocksAcross; bx++)
                    {
                        var x0 = bx * Block;
                        sums[bx] += SquaredDifference(ra[x0..Math.Min(w, x0 + Block)], rb[x0..Math.Min(w, x0 + Block)]);
                    }
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
