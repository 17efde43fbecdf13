using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Upres.Engine.Inference.Compact;

/// A group of m output rows of a 3x3 convolution with 64 input channels, in 2-D Winograd tiles
/// F(m x m, 3x3) (TTile): it reads the m + 2 input rows around the group and costs
/// (m + 2)^2 / m^2 multiply-adds per output pixel and channel pair instead of 9. Rows are laid
/// out as for ConvRowKernel (channels-last, pixel 0 the zero column left of the image) and hold
/// at least RoundUpPixels(width) + 2 pixels.
///
/// Per chunk of ChunkTiles tiles along x: the input tiles are transformed (B^T d B) into
/// (m+2)^2 planes V[i][tile][ic] (in L2); each plane is a GEMM against that position's
/// pre-transformed weights U[i][ob][ic][16] with the direct kernel's 6x16 register tile (or, with
/// GemmWidth.Avx512, 6 tiles x 32 outputs in 512-bit registers, two blocks at once), into
/// M[tile][i][oc]; then A^T M A, bias and PReLU give the m x m output pixels. One position's
/// weights for one output block (4 KB) stay in L1 while all the chunk's tiles pass them. Both
/// GEMMs add the same products in the same order, so their outputs are bit-identical.
internal static unsafe class WinogradTileKernel<TTile>
    where TTile : struct, IWinogradTile
{
    public const int Channels = 64;
    public const int OcBlock = 16;
    private const int GroupTiles = 6;

    // 12 tiles: V and M of F(4x4) take 108 KB each and stay in the 512 KB L2 beside a layer's
    // streamed weights (576 KB). Against 24 tiles, in the real model on this 2-core VM while
    // other builds ran: the median layer call 9-15 % faster; on a quiet core the two are equal.
    private const int ChunkTiles = 2 * GroupTiles;

    private static int Positions => TTile.In * TTile.In;

    /// Output pixels the row must be rounded to: whole groups of 6 tiles.
    public static int PixelMultiple => TTile.Out * GroupTiles;

    public static int RoundUpPixels(int width) => (width + PixelMultiple - 1) / PixelMultiple * PixelMultiple;

    /// Floats of per-runner scratch: V, M and the two transform passes' 8-float vectors.
    public static int ScratchFloats => (2 * ChunkTiles * Positions * Channels) + (2 * Positions * 8);

    /// Multiply-adds one pass executes for `pixels` output pixels of one row group.
    public static long Macs(int pixels, int outChannels) => (long)pixels / TTile.Out * Positions * Channels * outChannels;

    /// [oc][ic][ky][kx] -> [i][ob][ic][16] of U = G g G^T (computed in double).
    public static float[] Pack(CompactConvLayer layer)
    {
        int ic = layer.InChannels, oc = layer.OutChannels;
        if (ic != Channels || oc % OcBlock != 0 || oc > Channels)
        {
            throw new ArgumentException($"the Winograd tile kernel takes {Channels} input channels and a multiple of {OcBlock} outputs up to {Channels}, not {ic} -> {oc}");
        }

        var n = TTile.In;
        var g = TTile.WeightTransform;
        var packed = new float[Positions * oc * ic];
        var gg = new double[n, 3];
        for (var o = 0; o < oc; o++)
        {
            for (var c = 0; c < ic; c++)
            {
                var b = ((o * ic) + c) * 9;

                // gg = G w, then U = gg G^T.
                for (var p = 0; p < n; p++)
                {
                    for (var kx = 0; kx < 3; kx++)
                    {
                        gg[p, kx] = (g[p, 0] * layer.Weights[b + kx]) + (g[p, 1] * layer.Weights[b + 3 + kx]) + (g[p, 2] * layer.Weights[b + 6 + kx]);
                    }
                }

                for (var p = 0; p < n; p++)
                {
                    for (var u = 0; u < n; u++)
                    {
                        var value = (gg[p, 0] * g[u, 0]) + (gg[p, 1] * g[u, 1]) + (gg[p, 2] * g[u, 2]);
                        var i = (p * n) + u;
                        packed[(((((i * (oc / OcBlock)) + (o / OcBlock)) * ic) + c) * OcBlock) + (o % OcBlock)] = (float)value;
                    }
                }
            }
        }

        return packed;
    }

    /// Writes pixels [0, pixels) (a multiple of PixelMultiple) of the m output rows outRows[k]
    /// at outRows[k] + x*outStride, from the m + 2 input rows inRows[k].
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(
        float** inRows, float* weights, float* bias, float* slopes,
        float** outRows, int outStride, int outChannels, int pixels, float* scratch, GemmWidth width = GemmWidth.Avx2)
    {
        var positions = Positions;
        var v = scratch;
        var m = v + (ChunkTiles * positions * Channels);
        var tmp = m + (ChunkTiles * positions * Channels);
        var blocks = outChannels / OcBlock;
        var tiles = pixels / TTile.Out;
        for (var t0 = 0; t0 < tiles; t0 += ChunkTiles)
        {
            var count = Math.Min(ChunkTiles, tiles - t0);
            for (var t = 0; t < count; t++)
            {
                TransformInput(inRows, (t0 + t) * TTile.Out, v + (t * Channels), tmp);
            }

            for (var i = 0; i < positions; i++)
            {
                var vi = v + (i * ChunkTiles * Channels);
                var ob = 0;
                if (width == GemmWidth.Avx512)
                {
                    for (; ob + 1 < blocks; ob += 2)
                    {
                        var w = weights + ((((long)i * blocks) + ob) * Channels * OcBlock);
                        var mi = m + (i * Channels) + (ob * OcBlock);
                        for (var t = 0; t < count; t += GroupTiles)
                        {
                            Gemm512(vi + (t * Channels), w, mi + ((long)t * positions * Channels), positions * Channels);
                        }
                    }
                }

                for (; ob < blocks; ob++)
                {
                    var w = weights + ((((long)i * blocks) + ob) * Channels * OcBlock);
                    var mi = m + (i * Channels) + (ob * OcBlock);
                    for (var t = 0; t < count; t += GroupTiles)
                    {
                        Gemm(vi + (t * Channels), w, mi + ((long)t * positions * Channels), positions * Channels);
                    }
                }
            }

            for (var t = 0; t < count; t++)
            {
                TransformOutput(m + ((long)t * positions * Channels), bias, slopes, outRows, ((t0 + t) * TTile.Out * outStride), outStride, outChannels, tmp);
            }
        }
    }

    // B^T d B for one tile (padded input pixels x..x+In-1 of the In rows), all 64 channels,
    // into V[i][tile][ic] (dst already at the tile; planes ChunkTiles*64 floats apart).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformInput(float** inRows, int x, float* dst, float* tmp)
    {
        var n = TTile.In;
        var plane = (nint)ChunkTiles * Channels;
        for (var c = 0; c < Channels; c += 8)
        {
            // Along x per input row: tmp[k][u].
            for (var k = 0; k < n; k++)
            {
                TTile.Input(inRows[k] + ((nint)x * Channels) + c, Channels, tmp + (k * n * 8), 8);
            }

            // Along y per column u: V[p*n + u].
            for (var u = 0; u < n; u++)
            {
                TTile.Input(tmp + (u * 8), n * 8, dst + (u * plane) + c, n * plane);
            }
        }
    }

    // A^T M A for one tile, then bias and PReLU, stored to the Out x Out output pixels.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformOutput(float* src, float* bias, float* slopes, float** outRows, nint offset, int outStride, int outChannels, float* tmp)
    {
        var n = TTile.In;
        var mo = TTile.Out;
        var y = tmp + (n * mo * 8);
        for (var c = 0; c < outChannels; c += 8)
        {
            // Along x per row p: tmp[p][v].
            for (var p = 0; p < n; p++)
            {
                TTile.Output(src + (p * n * Channels) + c, Channels, tmp + (p * mo * 8), 8);
            }

            var b = Avx.LoadVector256(bias + c);
            var s = slopes is null ? default : Avx.LoadVector256(slopes + c);
            for (var col = 0; col < mo; col++)
            {
                // Along y per column: y[row].
                TTile.Output(tmp + (col * 8), mo * 8, y, 8);
                for (var row = 0; row < mo; row++)
                {
                    var value = Avx.Add(Avx.LoadVector256(y + (row * 8)), b);
                    if (slopes is not null)
                    {
                        value = ConvRowKernel.Prelu(value, s);
                    }

                    Avx.Store(outRows[row] + offset + ((nint)col * outStride) + c, value);
                }
            }
        }
    }

    // 6 tiles x 16 output channels over the 64 input channels: 12 accumulators, 2 weight
    // vectors, 1 broadcast. Tile k's products go to m + k*tileStride.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Gemm(float* s, float* w, float* m, int tileStride)
    {
        Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
        Vector256<float> a30 = default, a31 = default, a40 = default, a41 = default, a50 = default, a51 = default;
        var end = s + Channels;
        for (; s < end; s++, w += OcBlock)
        {
            var w0 = Avx.LoadVector256(w);
            var w1 = Avx.LoadVector256(w + 8);
            var v = Avx.BroadcastScalarToVector256(s);
            a00 = Fma.MultiplyAdd(v, w0, a00);
            a01 = Fma.MultiplyAdd(v, w1, a01);
            v = Avx.BroadcastScalarToVector256(s + Channels);
            a10 = Fma.MultiplyAdd(v, w0, a10);
            a11 = Fma.MultiplyAdd(v, w1, a11);
            v = Avx.BroadcastScalarToVector256(s + (2 * Channels));
            a20 = Fma.MultiplyAdd(v, w0, a20);
            a21 = Fma.MultiplyAdd(v, w1, a21);
            v = Avx.BroadcastScalarToVector256(s + (3 * Channels));
            a30 = Fma.MultiplyAdd(v, w0, a30);
            a31 = Fma.MultiplyAdd(v, w1, a31);
            v = Avx.BroadcastScalarToVector256(s + (4 * Channels));
            a40 = Fma.MultiplyAdd(v, w0, a40);
            a41 = Fma.MultiplyAdd(v, w1, a41);
            v = Avx.BroadcastScalarToVector256(s + (5 * Channels));
            a50 = Fma.MultiplyAdd(v, w0, a50);
            a51 = Fma.MultiplyAdd(v, w1, a51);
        }

        Store(m, a00, a01);
        Store(m + tileStride, a10, a11);
        Store(m + (2 * tileStride), a20, a21);
        Store(m + (3 * tileStride), a30, a31);
        Store(m + (4 * tileStride), a40, a41);
        Store(m + (5 * tileStride), a50, a51);
    }

    // Gemm for two adjacent output blocks (their weights are 64 x 16 floats apart) in 512-bit
    // registers: 12 accumulators, 2 weight vectors, 1 broadcast, the same products per output.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Gemm512(float* s, float* w, float* m, int tileStride)
    {
        Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
        Vector512<float> a30 = default, a31 = default, a40 = default, a41 = default, a50 = default, a51 = default;
        var end = s + Channels;
        for (; s < end; s++, w += OcBlock)
        {
            var w0 = Vector512.Load(w);
            var w1 = Vector512.Load(w + (Channels * OcBlock));
            var v = Vector512.Create(*s);
            a00 = Vector512.FusedMultiplyAdd(v, w0, a00);
            a01 = Vector512.FusedMultiplyAdd(v, w1, a01);
            v = Vector512.Create(s[Channels]);
            a10 = Vector512.FusedMultiplyAdd(v, w0, a10);
            a11 = Vector512.FusedMultiplyAdd(v, w1, a11);
            v = Vector512.Create(s[2 * Channels]);
            a20 = Vector512.FusedMultiplyAdd(v, w0, a20);
            a21 = Vector512.FusedMultiplyAdd(v, w1, a21);
            v = Vector512.Create(s[3 * Channels]);
            a30 = Vector512.FusedMultiplyAdd(v, w0, a30);
            a31 = Vector512.FusedMultiplyAdd(v, w1, a31);
            v = Vector512.Create(s[4 * Channels]);
            a40 = Vector512.FusedMultiplyAdd(v, w0, a40);
            a41 = Vector512.FusedMultiplyAdd(v, w1, a41);
            v = Vector512.Create(s[5 * Channels]);
            a50 = Vector512.FusedMultiplyAdd(v, w0, a50);
            a51 = Vector512.FusedMultiplyAdd(v, w1, a51);
        }

        Store512(m, a00, a01);
        Store512(m + tileStride, a10, a11);
        Store512(m + (2 * tileStride), a20, a21);
        Store512(m + (3 * tileStride), a30, a31);
        Store512(m + (4 * tileStride), a40, a41);
        Store512(m + (5 * tileStride), a50, a51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* o, Vector512<float> lo, Vector512<float> hi)
    {
        lo.Store(o);
        hi.Store(o + OcBlock);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* o, Vector256<float> lo, Vector256<float> hi)
    {
        Avx.Store(o, lo);
        Avx.Store(o + 8, hi);
    }
}
