namespace Upres.Engine.Imaging;

/// Classical bicubic resampling: the "no SR" path and a reference in tests. Same filter as ONNX
/// Resize (cubic, a = -0.75, half-pixel centres, edge pixels repeated), so it matches the bicubic
/// tail of the converted x2/x3 models. Values are not clamped; overshoot is clipped where frames
/// become 8-bit.
public sealed class BicubicUpscaler : IFrameUpscaler
{
    private const float A = -0.75f;

    public BicubicUpscaler(int scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        Scale = scale;
    }

    public string Name => $"bicubic-x{Scale}";

    public int Scale { get; }

    public PlanarImage Upscale(PlanarImage input, CancellationToken cancellationToken) =>
        Resize(input, input.Width * Scale, input.Height * Scale, cancellationToken);

    /// Resizes to any size (up or down, though down-scaling does not low-pass first).
    public static PlanarImage Resize(PlanarImage input, int width, int height, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var output = new PlanarImage(width, height);
        var columns = Taps.For(input.Width, width);
        var rows = Taps.For(input.Height, height);
        var horizontal = new float[input.Height * width];
        for (var c = 0; c < 3; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var source = input.Data.AsMemory(c * input.Width * input.Height, input.Width * input.Height);
            var target = output.Data.AsMemory(c * width * height, width * height);
            Parallel.For(0, input.Height, new ParallelOptions { CancellationToken = cancellationToken }, y =>
                Filter(source.Span.Slice(y * input.Width, input.Width), horizontal.AsSpan(y * width, width), columns));
            Parallel.For(0, height, new ParallelOptions { CancellationToken = cancellationToken }, y =>
            {
                var row = target.Span.Slice(y * width, width);
                var i = rows.Index.AsSpan(y * 4, 4);
                var w = rows.Weight.AsSpan(y * 4, 4);
                var r0 = horizontal.AsSpan(i[0] * width, width);
                var r1 = horizontal.AsSpan(i[1] * width, width);
                var r2 = horizontal.AsSpan(i[2] * width, width);
                var r3 = horizontal.AsSpan(i[3] * width, width);
                for (var x = 0; x < width; x++)
                {
                    row[x] = (w[0] * r0[x]) + (w[1] * r1[x]) + (w[2] * r2[x]) + (w[3] * r3[x]);
                }
            });
        }

        return output;
    }

    private static void Filter(ReadOnlySpan<float> source, Span<float> target, Taps taps)
    {
        for (var x = 0; x < target.Length; x++)
        {
            var k = x * 4;
            target[x] = (taps.Weight[k] * source[taps.Index[k]])
                + (taps.Weight[k + 1] * source[taps.Index[k + 1]])
                + (taps.Weight[k + 2] * source[taps.Index[k + 2]])
                + (taps.Weight[k + 3] * source[taps.Index[k + 3]]);
        }
    }

    /// Four source indices and weights per output coordinate.
    private sealed record Taps(int[] Index, float[] Weight)
    {
        public static Taps For(int inLength, int outLength)
        {
            var index = new int[outLength * 4];
            var weight = new float[outLength * 4];
            var scale = (double)inLength / outLength;
            for (var o = 0; o < outLength; o++)
            {
                var position = ((o + 0.5) * scale) - 0.5;
                var floor = (int)Math.Floor(position);
                var t = (float)(position - floor);
                for (var k = 0; k < 4; k++)
                {
                    index[(o * 4) + k] = Math.Clamp(floor - 1 + k, 0, inLength - 1);
                    weight[(o * 4) + k] = Cubic(t + 1 - k);
                }
            }

            return new Taps(index, weight);
        }

        private static float Cubic(float distance)
        {
            var x = Math.Abs(distance);
            return x <= 1 ? ((A + 2) * x * x * x) - ((A + 3) * x * x) + 1
                : x < 2 ? (A * x * x * x) - (5 * A * x * x) + (8 * A * x) - (4 * A)
                : 0;
        }
    }

    public void Dispose()
    {
    }
}
