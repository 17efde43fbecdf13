using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Upres.Engine.Inference.Compact;

/// One output row of a 3x3 convolution with 64 input channels, using Winograd F(2,3) along x:
/// each pair of output pixels costs 4 multiply-adds per (ky, ic, oc) instead of 6. Rows are laid
/// out as for ConvRowKernel (channels-last, pixel 0 the zero column left of the image) and must
/// hold at least RoundUpPixels(width) + 2 pixels.
///
/// Per chunk of 6 pixel pairs, the input rows are transformed into 4 planes t0..t3 (in L1), then
/// each plane is a small GEMM against pre-transformed weights with the same 6x16 register tile
/// as the direct kernel, and the products fold into the two output pixels:
/// t = (d0-d2, d1+d2, d2-d1, d1-d3), g' = (g0, (g0+g1+g2)/2, (g0-g1+g2)/2, g2),
/// y0 = m0+m1+m2, y1 = m1-m2-m3 with m_i = sum over (ky, ic) of t_i g'_i.
internal static unsafe class WinogradRowKernel
{
    public const int Channels = 64;
    public const int OcBlock = 16;
    private const int Pairs = 6;
    private const int K = 3 * Channels;

    public const int ChunkPixels = 2 * Pairs;

    /// Floats of per-runner scratch: the 4 transformed planes and the two output pixels' sums.
    public const int ScratchFloats = (4 * Pairs * K) + (2 * Pairs * OcBlock);

    public static int RoundUpPixels(int width) => (width + ChunkPixels - 1) / ChunkPixels * ChunkPixels;

    /// [oc][ic][ky][kx] -> [ob][i][ky][ic][16] of g' along kx.
    public static float[] Pack(CompactConvLayer layer)
    {
        int ic = layer.InChannels, oc = layer.OutChannels;
        if (ic != Channels || oc % OcBlock != 0)
        {
            throw new ArgumentException($"the Winograd kernel takes {Channels} input channels and a multiple of {OcBlock} outputs, not {ic} -> {oc}");
        }

        var packed = new float[oc / OcBlock * 4 * K * OcBlock];
        var n = 0;
        for (var ob = 0; ob < oc / OcBlock; ob++)
        {
            for (var i = 0; i < 4; i++)
            {
                for (var ky = 0; ky < 3; ky++)
                {
                    for (var c = 0; c < ic; c++)
                    {
                        for (var j = 0; j < OcBlock; j++)
                        {
                            var b = (((((ob * OcBlock) + j) * ic) + c) * 3 + ky) * 3;
                            float g0 = layer.Weights[b], g1 = layer.Weights[b + 1], g2 = layer.Weights[b + 2];
                            packed[n++] = i switch
                            {
                                0 => g0,
                                1 => (g0 + g1 + g2) * 0.5f,
                                2 => (g0 - g1 + g2) * 0.5f,
                                _ => g2,
                            };
                        }
                    }
                }
            }
        }

        return packed;
    }

    /// Writes pixels [0, pixels) of the output row (pixels a multiple of 12) at out + x*outStride.
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(
        float* row0, float* row1, float* row2, float* weights, float* bias, float* slopes,
        float* output, int outStride, int outChannels, int pixels, float* scratch)
    {
        var t = scratch;
        var sums = scratch + (4 * Pairs * K);
        var planeWeights = K * OcBlock;
        for (var x = 0; x < pixels; x += ChunkPixels)
        {
            Transform(row0, row1, row2, x, t);
            for (var ob = 0; ob < outChannels / OcBlock; ob++)
            {
                var w = weights + (ob * 4 * planeWeights);
                Plane(t, w, sums, 0);
                Plane(t + (Pairs * K), w + planeWeights, sums, 1);
                Plane(t + (2 * Pairs * K), w + (2 * planeWeights), sums, 2);
                Plane(t + (3 * Pairs * K), w + (3 * planeWeights), sums, 3);

                // Loaded only now: live across the planes they would cost the GEMM two registers.
                var b0 = Avx.LoadVector256(bias + (ob * OcBlock));
                var b1 = Avx.LoadVector256(bias + (ob * OcBlock) + 8);
                var o = output + (x * outStride) + (ob * OcBlock);
                for (var k = 0; k < Pairs; k++)
                {
                    var y0 = sums + (k * OcBlock);
                    var y1 = sums + ((Pairs + k) * OcBlock);
                    var lo0 = Avx.Add(Avx.LoadVector256(y0), b0);
                    var hi0 = Avx.Add(Avx.LoadVector256(y0 + 8), b1);
                    var lo1 = Avx.Add(Avx.LoadVector256(y1), b0);
                    var hi1 = Avx.Add(Avx.LoadVector256(y1 + 8), b1);
                    if (slopes is not null)
                    {
                        var s0 = Avx.LoadVector256(slopes + (ob * OcBlock));
                        var s1 = Avx.LoadVector256(slopes + (ob * OcBlock) + 8);
                        lo0 = ConvRowKernel.Prelu(lo0, s0);
                        hi0 = ConvRowKernel.Prelu(hi0, s1);
                        lo1 = ConvRowKernel.Prelu(lo1, s0);
                        hi1 = ConvRowKernel.Prelu(hi1, s1);
                    }

                    var o0 = o + (2 * k * outStride);
                    Avx.Store(o0, lo0);
                    Avx.Store(o0 + 8, hi0);
                    Avx.Store(o0 + outStride, lo1);
                    Avx.Store(o0 + outStride + 8, hi1);
                }
            }
        }
    }

    // Pair k of the chunk reads padded pixels x+2k .. x+2k+3 (image pixels x+2k-1 .. x+2k+2).
    // Plane layout: [i][pair][ky][ic], so a plane's GEMM walks (ky, ic) contiguously.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transform(float* row0, float* row1, float* row2, int x, float* t)
    {
        for (var ky = 0; ky < 3; ky++)
        {
            var row = ky == 0 ? row0 : ky == 1 ? row1 : row2;
            for (var k = 0; k < Pairs; k++)
            {
                var d = row + ((x + (2 * k)) * Channels);
                var dst = t + (k * K) + (ky * Channels);
                for (var c = 0; c < Channels; c += 8)
                {
                    var d0 = Avx.LoadVector256(d + c);
                    var d1 = Avx.LoadVector256(d + Channels + c);
                    var d2 = Avx.LoadVector256(d + (2 * Channels) + c);
                    var d3 = Avx.LoadVector256(d + (3 * Channels) + c);
                    Avx.Store(dst + c, Avx.Subtract(d0, d2));
                    Avx.Store(dst + (Pairs * K) + c, Avx.Add(d1, d2));
                    Avx.Store(dst + (2 * Pairs * K) + c, Avx.Subtract(d2, d1));
                    Avx.Store(dst + (3 * Pairs * K) + c, Avx.Subtract(d1, d3));
                }
            }
        }
    }

    // m_i for 6 pairs x 16 output channels: 12 accumulators, 2 weight vectors, 1 broadcast.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Plane(float* t, float* w, float* sums, int i)
    {
        Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
        Vector256<float> a30 = default, a31 = default, a40 = default, a41 = default, a50 = default, a51 = default;
        var end = t + K;
        for (var s = t; s < end; s++, w += OcBlock)
        {
            var w0 = Avx.LoadVector256(w);
            var w1 = Avx.LoadVector256(w + 8);
            var v = Avx.BroadcastScalarToVector256(s);
            a00 = Fma.MultiplyAdd(v, w0, a00);
            a01 = Fma.MultiplyAdd(v, w1, a01);
            v = Avx.BroadcastScalarToVector256(s + K);
            a10 = Fma.MultiplyAdd(v, w0, a10);
            a11 = Fma.MultiplyAdd(v, w1, a11);
            v = Avx.BroadcastScalarToVector256(s + (2 * K));
            a20 = Fma.MultiplyAdd(v, w0, a20);
            a21 = Fma.MultiplyAdd(v, w1, a21);
            v = Avx.BroadcastScalarToVector256(s + (3 * K));
            a30 = Fma.MultiplyAdd(v, w0, a30);
            a31 = Fma.MultiplyAdd(v, w1, a31);
            v = Avx.BroadcastScalarToVector256(s + (4 * K));
            a40 = Fma.MultiplyAdd(v, w0, a40);
            a41 = Fma.MultiplyAdd(v, w1, a41);
            v = Avx.BroadcastScalarToVector256(s + (5 * K));
            a50 = Fma.MultiplyAdd(v, w0, a50);
            a51 = Fma.MultiplyAdd(v, w1, a51);
        }

        Fold(sums, 0, i, a00, a01);
        Fold(sums, 1, i, a10, a11);
        Fold(sums, 2, i, a20, a21);
        Fold(sums, 3, i, a30, a31);
        Fold(sums, 4, i, a40, a41);
        Fold(sums, 5, i, a50, a51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fold(float* sums, int k, int i, Vector256<float> lo, Vector256<float> hi)
    {
        var y0 = sums + (k * OcBlock);
        var y1 = sums + ((Pairs + k) * OcBlock);
        switch (i)
        {
            case 0:
                Avx.Store(y0, lo);
                Avx.Store(y0 + 8, hi);
                break;
            case 1:
                Avx.Store(y0, Avx.Add(Avx.LoadVector256(y0), lo));
                Avx.Store(y0 + 8, Avx.Add(Avx.LoadVector256(y0 + 8), hi));
                Avx.Store(y1, lo);
                Avx.Store(y1 + 8, hi);
                break;
            case 2:
                Avx.Store(y0, Avx.Add(Avx.LoadVector256(y0), lo));
                Avx.Store(y0 + 8, Avx.Add(Avx.LoadVector256(y0 + 8), hi));
                Avx.Store(y1, Avx.Subtract(Avx.LoadVector256(y1), lo));
                Avx.Store(y1 + 8, Avx.Subtract(Avx.LoadVector256(y1 + 8), hi));
                break;
            default:
                Avx.Store(y1, Avx.Subtract(Avx.LoadVector256(y1), lo));
                Avx.Store(y1 + 8, Avx.Subtract(Avx.LoadVector256(y1 + 8), hi));
                break;
        }
    }
}
