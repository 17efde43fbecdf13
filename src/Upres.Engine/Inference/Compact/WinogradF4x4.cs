using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Upres.Engine.Inference.Compact;

/// F(4x4, 3x3) on the points 0, 1, -1, 2, -2, inf (Lavin & Gray): 36 products per 4x4 output
/// tile, 1/4 of the direct multiply-adds. B^T rows: (4, 0, -5, 0, 1, 0), (0, -4, -4, 1, 1, 0),
/// (0, 4, -4, -1, 1, 0), (0, -2, -1, 2, 1, 0), (0, 2, -1, -2, 1, 0), (0, 4, 0, -5, 0, 1);
/// A^T rows: (1, 1, 1, 1, 1, 0), (0, 1, -1, 2, -2, 0), (0, 1, 1, 4, 4, 0), (0, 1, -1, 8, -8, 1).
internal readonly unsafe struct WinogradF4x4 : IWinogradTile
{
    public static int Out => 4;

    public static int In => 6;

    public static double[,] WeightTransform { get; } =
    {
        { 1.0 / 4, 0, 0 },
        { -1.0 / 6, -1.0 / 6, -1.0 / 6 },
        { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
        { 1.0 / 24, 1.0 / 12, 1.0 / 6 },
        { 1.0 / 24, -1.0 / 12, 1.0 / 6 },
        { 0, 0, 1 },
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Input(float* src, nint srcStride, float* dst, nint dstStride)
    {
        var two = Vector256.Create(2f);
        var four = Vector256.Create(4f);
        var five = Vector256.Create(5f);
        var d0 = Avx.LoadVector256(src);
        var d1 = Avx.LoadVector256(src + srcStride);
        var d2 = Avx.LoadVector256(src + (2 * srcStride));
        var d3 = Avx.LoadVector256(src + (3 * srcStride));
        var d4 = Avx.LoadVector256(src + (4 * srcStride));
        var d5 = Avx.LoadVector256(src + (5 * srcStride));
        Avx.Store(dst, Fma.MultiplyAdd(four, d0, Fma.MultiplyAddNegated(five, d2, d4)));
        Avx.Store(dst + dstStride, Fma.MultiplyAddNegated(four, Avx.Add(d1, d2), Avx.Add(d3, d4)));
        Avx.Store(dst + (2 * dstStride), Fma.MultiplyAdd(four, Avx.Subtract(d1, d2), Avx.Subtract(d4, d3)));
        var a = Avx.Subtract(d3, d1);
        var b = Avx.Subtract(d4, d2);
        Avx.Store(dst + (3 * dstStride), Fma.MultiplyAdd(two, a, b));
        Avx.Store(dst + (4 * dstStride), Fma.MultiplyAddNegated(two, a, b));
        Avx.Store(dst + (5 * dstStride), Fma.MultiplyAdd(four, d1, Fma.MultiplyAddNegated(five, d3, d5)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Output(float* src, nint srcStride, float* dst, nint dstStride)
    {
        var m0 = Avx.LoadVector256(src);
        var m1 = Avx.LoadVector256(src + srcStride);
        var m2 = Avx.LoadVector256(src + (2 * srcStride));
        var m3 = Avx.LoadVector256(src + (3 * srcStride));
        var m4 = Avx.LoadVector256(src + (4 * srcStride));
        var m5 = Avx.LoadVector256(src + (5 * srcStride));
        var sum12 = Avx.Add(m1, m2);
        var sum34 = Avx.Add(m3, m4);
        var diff12 = Avx.Subtract(m1, m2);
        var diff34 = Avx.Subtract(m3, m4);
        Avx.Store(dst, Avx.Add(Avx.Add(m0, sum12), sum34));
        Avx.Store(dst + dstStride, Fma.MultiplyAdd(Vector256.Create(2f), diff34, diff12));
        Avx.Store(dst + (2 * dstStride), Fma.MultiplyAdd(Vector256.Create(4f), sum34, sum12));
        Avx.Store(dst + (3 * dstStride), Avx.Add(Fma.MultiplyAdd(Vector256.Create(8f), diff34, diff12), m5));
    }
}
