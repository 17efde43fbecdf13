using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Upres.Engine.Inference.Compact;

/// One output row of a 3x3 convolution on channels-last rows, AVX2 + FMA.
/// Register tile: 6 output pixels x 16 output channels = 12 accumulators, 2 weight vectors and one
/// broadcast input scalar (15 of the 16 ymm registers), so the inner loop never spills.
/// Input rows are padded: pixel 0 of a row is the zero column left of the image, and each row
/// holds at least RoundUp6(width) + 2 pixels. Packed weights: [ob][ky][kx][ic][16].
internal static unsafe class ConvRowKernel
{
    public const int TilePixels = 6;
    public const int OcBlock = 16;

    // Columns per pass over all output-channel blocks: the 3 input rows of a chunk (about 38 KB
    // at 64 channels) stay in L1/L2 while the 4 blocks' weights stream past; whole-row passes
    // measured ~5% slower per CPU-second on this VM.
    public const int ChunkPixels = 8 * TilePixels;

    public static int RoundUpPixels(int width) => (width + TilePixels - 1) / TilePixels * TilePixels;

    public static float[] Pack(CompactConvLayer layer)
    {
        int ic = layer.InChannels, oc = layer.OutChannels;
        var packed = new float[oc * ic * 9];
        var i = 0;
        for (var ob = 0; ob < oc / OcBlock; ob++)
        {
            for (var ky = 0; ky < 3; ky++)
            {
                for (var kx = 0; kx < 3; kx++)
                {
                    for (var c = 0; c < ic; c++)
                    {
                        for (var j = 0; j < OcBlock; j++)
                        {
                            packed[i++] = layer.Weights[((((ob * OcBlock) + j) * ic + c) * 3 + ky) * 3 + kx];
                        }
                    }
                }
            }
        }

        return packed;
    }

    /// Writes pixels [0, pixels) of the output row (pixels a multiple of 6) at out + x*outStride.
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TIn>(
        float* row0, float* row1, float* row2, float* weights, float* bias, float* slopes,
        float* output, int outStride, int outChannels, int pixels)
        where TIn : struct, IChannelCount
    {
        var k3 = 3 * TIn.Value;
        var blockWeights = 9 * TIn.Value * OcBlock;
        for (var x0 = 0; x0 < pixels; x0 += ChunkPixels)
        {
            var x1 = Math.Min(pixels, x0 + ChunkPixels);
            for (var ob = 0; ob < outChannels / OcBlock; ob++)
            {
                var wob = weights + ob * blockWeights;
                var bias0 = Avx.LoadVector256(bias + ob * OcBlock);
                var bias1 = Avx.LoadVector256(bias + ob * OcBlock + 8);
                for (var x = x0; x < x1; x += TilePixels)
                {
                    Vector256<float> a00 = bias0, a01 = bias1, a10 = bias0, a11 = bias1, a20 = bias0, a21 = bias1;
                    Vector256<float> a30 = bias0, a31 = bias1, a40 = bias0, a41 = bias1, a50 = bias0, a51 = bias1;
                    for (var ky = 0; ky < 3; ky++)
                    {
                        var s = (ky == 0 ? row0 : ky == 1 ? row1 : row2) + x * TIn.Value;
                        var end = s + k3;
                        var w = wob + ky * k3 * OcBlock;
                        for (; s < end; s++, w += OcBlock)
                        {
                            var w0 = Avx.LoadVector256(w);
                            var w1 = Avx.LoadVector256(w + 8);
                            var v = Avx.BroadcastScalarToVector256(s);
                            a00 = Fma.MultiplyAdd(v, w0, a00);
                            a01 = Fma.MultiplyAdd(v, w1, a01);
                            v = Avx.BroadcastScalarToVector256(s + TIn.Value);
                            a10 = Fma.MultiplyAdd(v, w0, a10);
                            a11 = Fma.MultiplyAdd(v, w1, a11);
                            v = Avx.BroadcastScalarToVector256(s + 2 * TIn.Value);
                            a20 = Fma.MultiplyAdd(v, w0, a20);
                            a21 = Fma.MultiplyAdd(v, w1, a21);
                            v = Avx.BroadcastScalarToVector256(s + 3 * TIn.Value);
                            a30 = Fma.MultiplyAdd(v, w0, a30);
                            a31 = Fma.MultiplyAdd(v, w1, a31);
                            v = Avx.BroadcastScalarToVector256(s + 4 * TIn.Value);
                            a40 = Fma.MultiplyAdd(v, w0, a40);
                            a41 = Fma.MultiplyAdd(v, w1, a41);
                            v = Avx.BroadcastScalarToVector256(s + 5 * TIn.Value);
                            a50 = Fma.MultiplyAdd(v, w0, a50);
                            a51 = Fma.MultiplyAdd(v, w1, a51);
                        }
                    }

                    var o = output + x * outStride + ob * OcBlock;
                    if (slopes is null)
                    {
                        Store(o, a00, a01);
                        Store(o + outStride, a10, a11);
                        Store(o + 2 * outStride, a20, a21);
                        Store(o + 3 * outStride, a30, a31);
                        Store(o + 4 * outStride, a40, a41);
                        Store(o + 5 * outStride, a50, a51);
                    }
                    else
                    {
                        var s0 = Avx.LoadVector256(slopes + ob * OcBlock);
                        var s1 = Avx.LoadVector256(slopes + ob * OcBlock + 8);
                        Store(o, Prelu(a00, s0), Prelu(a01, s1));
                        Store(o + outStride, Prelu(a10, s0), Prelu(a11, s1));
                        Store(o + 2 * outStride, Prelu(a20, s0), Prelu(a21, s1));
                        Store(o + 3 * outStride, Prelu(a30, s0), Prelu(a31, s1));
                        Store(o + 4 * outStride, Prelu(a40, s0), Prelu(a41, s1));
                        Store(o + 5 * outStride, Prelu(a50, s0), Prelu(a51, s1));
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Prelu(Vector256<float> a, Vector256<float> slope) =>
        Fma.MultiplyAdd(Avx.Min(a, Vector256<float>.Zero), slope, Avx.Max(a, Vector256<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* o, Vector256<float> lo, Vector256<float> hi)
    {
        Avx.Store(o, lo);
        Avx.Store(o + 8, hi);
    }
}
