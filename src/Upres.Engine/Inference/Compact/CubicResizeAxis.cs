namespace Upres.Engine.Inference.Compact;

/// Source taps and weights along one axis of ncnn's bicubic Interp (resize_type 3): half-pixel
/// mapping fx = (dx + 0.5) * in/out - 0.5 computed in double, Keys cubic with A = -0.75, and
/// taps beyond the border folded onto the edge pixel (the same as clamping the tap index,
/// which is also what ONNX Resize cubic with exclude_outside = 0 does).
internal sealed class CubicResizeAxis
{
    public CubicResizeAxis(int inSize, int outSize)
    {
        OutSize = outSize;
        Index = new int[outSize * 4];
        Weight = new float[outSize * 4];
        var scale = (double)inSize / outSize;
        for (var d = 0; d < outSize; d++)
        {
            var f = (float)(((d + 0.5) * scale) - 0.5);
            var s = (int)MathF.Floor(f);
            f -= s;
            Coefficients(f, Weight.AsSpan(d * 4, 4));
            for (var k = 0; k < 4; k++)
            {
                Index[(d * 4) + k] = Math.Clamp(s - 1 + k, 0, inSize - 1);
            }
        }
    }

    public int OutSize { get; }

    /// Four clamped source indices per output index.
    public int[] Index { get; }

    public float[] Weight { get; }

    public int LastIndexNeeded(int d) => Index[(d * 4) + 3];

    private static void Coefficients(float fx, Span<float> c)
    {
        const float A = -0.75f;
        var fx0 = fx + 1;
        var fx1 = fx;
        var fx2 = 1 - fx;
        c[0] = (A * fx0 * fx0 * fx0) - (5 * A * fx0 * fx0) + (8 * A * fx0) - (4 * A);
        c[1] = ((A + 2) * fx1 * fx1 * fx1) - ((A + 3) * fx1 * fx1) + 1;
        c[2] = ((A + 2) * fx2 * fx2 * fx2) - ((A + 3) * fx2 * fx2) + 1;
        c[3] = 1f - c[0] - c[1] - c[2];
    }
}
