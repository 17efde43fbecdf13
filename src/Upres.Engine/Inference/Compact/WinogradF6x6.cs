using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Upres.Engine.Inference.Compact;

/// F(6x6, 3x3) on the points 0, 1, -1, 1/2, -1/2, 2, -2, inf (the set ncnn's fp32 Winograd uses):
/// 64 products per 6x6 output tile, 1.78 per output instead of F(4x4)'s 2.25. B^T rows:
/// (1, 0, -21/4, 0, 21/4, 0, -1, 0), (0, 1, 1, -17/4, -17/4, 1, 1, 0), (0, -1, 1, 17/4, -17/4, -1, 1, 0),
/// (0, 1/2, 1/4, -5/2, -5/4, 2, 1, 0), (0, -1/2, 1/4, 5/2, -5/4, -2, 1, 0), (0, 2, 4, -5/2, -5, 1/2, 1, 0),
/// (0, -2, 4, 5/2, -5, -1/2, 1, 0), (0, -1, 0, 21/4, 0, -21/4, 0, 1); A^T row k (k = 0..5):
/// (k == 0 ? 1 : 0, 1, (-1)^k, 2^k, (-2)^k, 2^-k, (-1/2)^k, k == 5 ? 1 : 0).
internal readonly unsafe struct WinogradF6x6 : IWinogradTile
{
    public static int Out => 6;

    public static int In => 8;

    public static double[,] WeightTransform { get; } =
    {
        { 1, 0, 0 },
        { -2.0 / 9, -2.0 / 9, -2.0 / 9 },
        { -2.0 / 9, 2.0 / 9, -2.0 / 9 },
        { 1.0 / 90, 1.0 / 45, 2.0 / 45 },
        { 1.0 / 90, -1.0 / 45, 2.0 / 45 },
        { 32.0 / 45, 16.0 / 45, 8.0 / 45 },
        { 32.0 / 45, -16.0 / 45, 8.0 / 45 },
        { 0, 0, 1 },
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Input(float* src, nint srcStride, float* dst, nint dstStride)
    {
        var d0 = Avx.LoadVector256(src);
        var d1 = Avx.LoadVector256(src + srcStride);
        var d2 = Avx.LoadVector256(src + (2 * srcStride));
        var d3 = Avx.LoadVector256(src + (3 * srcStride));
        var d4 = Avx.LoadVector256(src + (4 * srcStride));
        var d5 = Avx.LoadVector256(src + (5 * srcStride));
        var d6 = Avx.LoadVector256(src + (6 * srcStride));
        var d7 = Avx.LoadVector256(src + (7 * srcStride));
        var c525 = Vector256.Create(5.25f);
        var c425 = Vector256.Create(4.25f);
        var c25 = Vector256.Create(2.5f);
        var c125 = Vector256.Create(1.25f);
        Avx.Store(dst, Fma.MultiplyAdd(Avx.Subtract(d4, d2), c525, Avx.Subtract(d0, d6)));
        Avx.Store(dst + (7 * dstStride), Fma.MultiplyAdd(Avx.Subtract(d3, d5), c525, Avx.Subtract(d7, d1)));

        var t1 = Fma.MultiplyAddNegated(d4, c425, Avx.Add(d2, d6));
        var t2 = Fma.MultiplyAddNegated(d3, c425, Avx.Add(d1, d5));
        Avx.Store(dst + dstStride, Avx.Add(t1, t2));
        Avx.Store(dst + (2 * dstStride), Avx.Subtract(t1, t2));

        var t3 = Fma.MultiplyAddNegated(d4, c125, Fma.MultiplyAdd(d2, Vector256.Create(0.25f), d6));
        var t4 = Fma.MultiplyAdd(d5, Vector256.Create(2f), Fma.MultiplyAddNegated(d3, c25, Avx.Multiply(d1, Vector256.Create(0.5f))));
        Avx.Store(dst + (3 * dstStride), Avx.Add(t3, t4));
        Avx.Store(dst + (4 * dstStride), Avx.Subtract(t3, t4));

        var t5 = Fma.MultiplyAdd(Fma.MultiplyAddNegated(d4, c125, d2), Vector256.Create(4f), d6);
        var t6 = Fma.MultiplyAdd(d5, Vector256.Create(0.5f), Fma.MultiplyAddNegated(d3, c25, Avx.Add(d1, d1)));
        Avx.Store(dst + (5 * dstStride), Avx.Add(t5, t6));
        Avx.Store(dst + (6 * dstStride), Avx.Subtract(t5, t6));
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
        var m6 = Avx.LoadVector256(src + (6 * srcStride));
        var m7 = Avx.LoadVector256(src + (7 * srcStride));
        var a = Avx.Add(m1, m2);
        var b = Avx.Subtract(m1, m2);
        var c = Avx.Add(m3, m4);
        var e = Avx.Subtract(m3, m4);
        var f = Avx.Add(m5, m6);
        var h = Avx.Subtract(m5, m6);
        Avx.Store(dst, Avx.Add(Avx.Add(m0, a), Avx.Add(c, f)));
        Avx.Store(dst + dstStride, Fma.MultiplyAdd(e, Vector256.Create(2f), Fma.MultiplyAdd(h, Vector256.Create(0.5f), b)));
        Avx.Store(dst + (2 * dstStride), Fma.MultiplyAdd(c, Vector256.Create(4f), Fma.MultiplyAdd(f, Vector256.Create(0.25f), a)));
        Avx.Store(dst + (3 * dstStride), Fma.MultiplyAdd(e, Vector256.Create(8f), Fma.MultiplyAdd(h, Vector256.Create(0.125f), b)));
        Avx.Store(dst + (4 * dstStride), Fma.MultiplyAdd(c, Vector256.Create(16f), Fma.MultiplyAdd(f, Vector256.Create(0.0625f), a)));
        Avx.Store(dst + (5 * dstStride), Avx.Add(Fma.MultiplyAdd(e, Vector256.Create(32f), Fma.MultiplyAdd(h, Vector256.Create(0.03125f), b)), m7));
    }
}
