using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Upres.Engine.Inference.Compact;

/// Which GEMM width this process uses, decided once: AVX-512 only pays where the core has full
/// 512-bit FMA units (most Intel server cores); Zen 4 splits each 512-bit FMA in two, and some
/// cores lower their clock for it. So with AVX-512 present, both GEMMs are timed on the same
/// L1-resident block and the 512-bit one is used only if it is at least MinimumGain faster.
/// UPRES_GEMM_WIDTH=256 or 512 overrides the measurement (512 without AVX-512 runs emulated).
public sealed record GemmWidthChoice(GemmWidth Width, string Reason, double? Measured512Over256)
{
    public const double MinimumGain = 1.10;

    private static readonly Lazy<GemmWidthChoice> ForProcess = new(() => Choose(Environment.GetEnvironmentVariable("UPRES_GEMM_WIDTH")));

    public static GemmWidthChoice Current => ForProcess.Value;

    internal static GemmWidthChoice Choose(string? setting)
    {
        switch (setting?.Trim())
        {
            case null or "" or "auto":
                break;
            case "256":
                return new GemmWidthChoice(GemmWidth.Avx2, "UPRES_GEMM_WIDTH=256", null);
            case "512":
                return new GemmWidthChoice(GemmWidth.Avx512, Vector512.IsHardwareAccelerated ? "UPRES_GEMM_WIDTH=512" : "UPRES_GEMM_WIDTH=512 (no AVX-512 here: emulated, slow)", null);
            default:
                throw new ArgumentException($"UPRES_GEMM_WIDTH={setting} is not allowed: use auto, 256 or 512");
        }

        if (!Vector512.IsHardwareAccelerated)
        {
            return new GemmWidthChoice(GemmWidth.Avx2, "no AVX-512 on this CPU", null);
        }

        var gain = Measure();
        return gain >= MinimumGain
            ? new GemmWidthChoice(GemmWidth.Avx512, $"AVX-512 measured {gain:F2}x the 256-bit GEMM", gain)
            : new GemmWidthChoice(GemmWidth.Avx2, $"AVX-512 measured only {gain:F2}x the 256-bit GEMM", gain);
    }

    // About 50 ms: three alternating rounds of each GEMM over one position's two blocks, best of each.
    private static unsafe double Measure()
    {
        const int Channels = WinogradTileKernel<WinogradF4x4>.Channels;
        const int Block = Channels * WinogradTileKernel<WinogradF4x4>.OcBlock;
        var floats = (6 * Channels) + (2 * Block) + (6 * 2 * Block);
        var memory = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
        try
        {
            var v = memory;
            var w = v + (6 * Channels);
            var m = w + (2 * Block);
            for (var i = 0; i < floats; i++)
            {
                memory[i] = (i % 97) * 0.001f;
            }

            double best256 = double.MaxValue, best512 = double.MaxValue;
            for (var round = 0; round < 3; round++)
            {
                best256 = Math.Min(best256, Time256(v, w, m));
                best512 = Math.Min(best512, Time512(v, w, m));
            }

            return best256 / best512;
        }
        finally
        {
            NativeMemory.AlignedFree(memory);
        }
    }

    private const int Calls = 20_000;

    // Seconds for two output blocks' products, Calls times (optimized at once: no tiering in ~60 ms).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe double Time256(float* v, float* w, float* m)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Calls; i++)
        {
            WinogradTileKernel<WinogradF4x4>.Gemm(v, w, m, 32);
            WinogradTileKernel<WinogradF4x4>.Gemm(v, w + 1024, m + 16, 32);
        }

        return watch.Elapsed.TotalSeconds;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe double Time512(float* v, float* w, float* m)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Calls; i++)
        {
            WinogradTileKernel<WinogradF4x4>.Gemm512(v, w, m, 32);
        }

        return watch.Elapsed.TotalSeconds;
    }
}
