using System.Runtime.Intrinsics;
using Upres.Engine.Inference.Compact;

namespace Upres.Engine.Tests.Compact;

// The 512-bit GEMM adds the same products in the same order as the 256-bit one, so their frames
// are bit-identical. Where the CPU has no AVX-512 the 512-bit code runs emulated (two 256-bit
// halves), so these tests prove its arithmetic on every machine, and its speed nowhere but there.
public class GemmWidthTests
{
    [Fact]
    public unsafe void The_512_bit_GEMM_computes_two_blocks_exactly_as_the_256_bit_GEMM_does()
    {
        const int Channels = WinogradTileKernel<WinogradF4x4>.Channels;
        const int Block = Channels * WinogradTileKernel<WinogradF4x4>.OcBlock;
        const int TileStride = 80; // room for two blocks per tile, and a gap that must stay untouched
        var rng = new Random(5);
        var v = Floats(6 * Channels, rng);
        var w = Floats(2 * Block, rng);
        var narrow = new float[6 * TileStride];
        var wide = new float[6 * TileStride];
        fixed (float* pv = v, pw = w, pn = narrow, pwide = wide)
        {
            WinogradTileKernel<WinogradF4x4>.Gemm(pv, pw, pn, TileStride);
            WinogradTileKernel<WinogradF4x4>.Gemm(pv, pw + Block, pn + 16, TileStride);
            WinogradTileKernel<WinogradF4x4>.Gemm512(pv, pw, pwide, TileStride);
        }

        Assert.Equal(narrow, wide);
        Assert.All(Enumerable.Range(0, 6), t => Assert.All(wide.AsSpan((t * TileStride) + 32, TileStride - 32).ToArray(), x => Assert.Equal(0f, x)));
        Assert.Contains(wide, x => x != 0f);
    }

    // 48 outputs in the last layer: one pair of blocks on the 512-bit GEMM and one block left to
    // the 256-bit one; widths and heights that leave partial chunks and row groups.
    [Theory]
    [InlineData(ConvolutionAlgorithm.Winograd4x4, 1f, 49, 9)]
    [InlineData(ConvolutionAlgorithm.Winograd4x4, 0.5f, 150, 6)]
    [InlineData(ConvolutionAlgorithm.Winograd2x2, 1f, 25, 5)]
    public void The_512_bit_GEMM_gives_the_same_frame_bit_for_bit(ConvolutionAlgorithm algorithm, float tailScale, int width, int height)
    {
        var weights = CompactSrTestData.RandomWeights(seed: 21, bodyConvs: 3, tailScale);
        var input = CompactSrTestData.RandomImage(seed: 22, width, height);
        using var wide = CompactSrUpscaler.Create(weights, threads: 1, algorithm: algorithm, gemmWidth: GemmWidth.Avx512);
        using var narrow = CompactSrUpscaler.Create(weights, threads: 1, algorithm: algorithm, gemmWidth: GemmWidth.Avx2);

        Assert.Equal(GemmWidth.Avx512, wide.GemmWidth);
        Assert.Equal(narrow.Upscale(input, CancellationToken.None).Data, wide.Upscale(input, CancellationToken.None).Data);
    }

    [Fact]
    public void The_setting_overrides_the_measurement_and_a_bad_value_is_refused_with_what_is_allowed()
    {
        Assert.Equal(GemmWidth.Avx2, GemmWidthChoice.Choose("256").Width);
        Assert.Equal(GemmWidth.Avx512, GemmWidthChoice.Choose("512").Width);
        var error = Assert.Throws<ArgumentException>(() => GemmWidthChoice.Choose("1024"));
        Assert.Equal("UPRES_GEMM_WIDTH=1024 is not allowed: use auto, 256 or 512", error.Message);
    }

    [Fact]
    public void Auto_takes_512_bits_only_where_the_CPU_has_them_and_they_measured_faster()
    {
        var choice = GemmWidthChoice.Choose("auto");
        if (!Vector512.IsHardwareAccelerated)
        {
            Assert.Equal(new GemmWidthChoice(GemmWidth.Avx2, "no AVX-512 on this CPU", null), choice);
            return;
        }

        var gain = Assert.IsType<double>(choice.Measured512Over256);
        Assert.Equal(gain >= GemmWidthChoice.MinimumGain ? GemmWidth.Avx512 : GemmWidth.Avx2, choice.Width);
        Assert.Contains($"{gain:F2}x", choice.Reason, StringComparison.Ordinal);
    }

    private static float[] Floats(int count, Random rng) =>
        Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
}
