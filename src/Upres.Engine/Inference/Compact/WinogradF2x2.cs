using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Upres.Engine.Inference.Compact;

/// F(2x2, 3x3): 16 products per 2x2 output tile, 4/9 of the direct multiply-adds.
/// B^T rows: (1, 0, -1, 0), (0, 1, 1, 0), (0, -1, 1, 0), (0, 1, 0, -1); A^T rows: (1, 1, 1, 0), (0, 1, -1, -1).
internal readonly unsafe struct WinogradF2x2 : IWinogradTile
{
    public static int Out => 2;

    public static int In => 4;

    public static double[,] WeightTransform { get; } = { { 1, 0, 0 }, { 0.5, 0.5, 0.5 }, { 0.5, -0.5, 0.5 }, { 0, 0, 1 } };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Input(float* src, nint srcStride, float* dst, nint dstStride)
    {
        var d0 = Avx.LoadVector256(src);
        var d1 = Avx.LoadVector256(src + srcStride);
        var d2 = Avx.LoadVector256(src + (2 * srcStride));
        var d3 = Avx.LoadVector256(src + (3 * srcStride));
        Avx.Store(dst, Avx.Subtract(d0, d2));
        Avx.Store(dst + dstStride, Avx.Add(d1, d2));
        Avx.Store(dst + (2 * dstStride), Avx.Subtract(d2, d1));
        Avx.Store(dst + (3 * dstStride), Avx.Subtract(d1, d3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Output(float* src, nint srcStride, float* dst, nint dstStride)
    {
        var m0 = Avx.LoadVector256(src);
        var m1 = Avx.LoadVector256(src + srcStride);
        var m2 = Avx.LoadVector256(src + (2 * srcStride));
        var m3 = Avx.LoadVector256(src + (3 * srcStride));
        Avx.Store(dst, Avx.Add(Avx.Add(m0, m1), m2));
        Avx.Store(dst + dstStride, Avx.Subtract(Avx.Subtract(m1, m2), m3));
    }
}
