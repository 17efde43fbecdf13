using Upres.Engine.Imaging;

namespace Upres.Engine.Quality;

public enum ClassicalKernel { Bicubic, Lanczos }

/// The baselines of the quality report, resampled the way MATLAB's imresize enlarges (the
/// bicubic rows of SR papers come from it): half-pixel centres, edges mirrored, weights
/// normalised. Bicubic is Keys' cubic with a = -0.5 (MATLAB's, not the -0.75 of ONNX Resize and
/// the `none` model); Lanczos has three lobes.
public sealed class ClassicalUpscaler : IFrameUpscaler
{
    public ClassicalUpscaler(ClassicalKernel kernel, int scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        Kernel = kernel;
        Scale = scale;
    }

    public ClassicalKernel Kernel { get; }

    public string Name => Kernel == ClassicalKernel.Bicubic ? "bicubic" : "lanczos";

    public int Scale { get; }

    public PlanarImage Upscale(PlanarImage input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        int inW = input.Width, inH = input.Height, outW = inW * Scale, outH = inH * Scale;
        var columns = Taps(inW, outW);
        var rows = Taps(inH, outH);
        var output = new PlanarImage(outW, outH);
        var horizontal = new float[inH * outW];
        for (var c = 0; c < 3; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var source = input.Data.AsMemory(c * inW * inH, inW * inH);
            var target = output.Data.AsMemory(c * outW * outH, outW * outH);
            Parallel.For(0, inH, y =>
            {
                var src = source.Span.Slice(y * inW, inW);
                var dst = horizontal.AsSpan(y * outW, outW);
                for (var x = 0; x < outW; x++)
                {
                    var (index, weight) = columns[x];
                    double sum = 0;
                    for (var k = 0; k < index.Length; k++)
                    {
                        sum += weight[k] * src[index[k]];
                    }

                    dst[x] = (float)sum;
                }
            });
            Parallel.For(0, outH, y =>
            {
                var dst = target.Span.Slice(y * outW, outW);
                var (index, weight) = rows[y];
                for (var x = 0; x < outW; x++)
                {
                    double sum = 0;
                    for (var k = 0; k < index.Length; k++)
                    {
                        sum += weight[k] * horizontal[(index[k] * outW) + x];
                    }

                    dst[x] = (float)sum;
                }
            });
        }

        return output;
    }

    private (int[] Index, double[] Weight)[] Taps(int inLength, int outLength)
    {
        var support = Kernel == ClassicalKernel.Bicubic ? 2 : 3;
        var result = new (int[], double[])[outLength];
        for (var o = 0; o < outLength; o++)
        {
            var centre = ((o + 0.5) / Scale) - 0.5;
            var first = (int)Math.Floor(centre) - support + 1;
            var index = new int[2 * support];
            var weight = new double[2 * support];
            double sum = 0;
            for (var k = 0; k < index.Length; k++)
            {
                var i = first + k;
                sum += weight[k] = Weight(centre - i);
                index[k] = Mirror(i, inLength);
            }

            for (var k = 0; k < weight.Length; k++)
            {
                weight[k] /= sum;
            }

            result[o] = (index, weight);
        }

        return result;
    }

    private double Weight(double distance)
    {
        var x = Math.Abs(distance);
        if (Kernel == ClassicalKernel.Bicubic)
        {
            const double a = -0.5;
            return x <= 1 ? ((a + 2) * x * x * x) - ((a + 3) * x * x) + 1
                : x < 2 ? (a * x * x * x) - (5 * a * x * x) + (8 * a * x) - (4 * a)
                : 0;
        }

        return x == 0 ? 1 : x < 3 ? 3 * Math.Sin(Math.PI * x) * Math.Sin(Math.PI * x / 3) / (Math.PI * Math.PI * x * x) : 0;
    }

    // MATLAB's "symmetric" padding: -1 -> 0, -2 -> 1, n -> n - 1.
    private static int Mirror(int i, int length)
    {
        var period = 2 * length;
        i %= period;
        if (i < 0)
        {
            i += period;
        }

        return i < length ? i : period - 1 - i;
    }

    public void Dispose()
    {
    }
}
