using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Upres.Engine.Benchmark;

public sealed record PeakMeasurement(int Threads, int VectorBits, double GflopsPerSecond);

/// Measures this machine's FP32 fused-multiply-add peak with a register-only kernel, so model
/// throughput can be reported as a share of what the cores can actually do.
public static class FmaPeak
{
    public static PeakMeasurement Measure(int threads, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        var bits = Avx512F.IsSupported ? 512 : Fma.IsSupported ? 256 : 128;
        // Warm up clocks and JIT before timing.
        Kernel(bits, 2_000_000);
        var results = new double[threads];
        var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait(cancellationToken);
            var sw = Stopwatch.StartNew();
            long flops = 0;
            const long chunk = 5_000_000;
            while (sw.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                flops += Kernel(bits, chunk);
            }

            results[t] = flops / sw.Elapsed.TotalSeconds / 1e9;
        })
        { IsBackground = true }).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        cancellationToken.ThrowIfCancellationRequested();
        return new PeakMeasurement(threads, bits, results.Sum());
    }

    // Twelve independent accumulators hide the FMA latency (4-5 cycles x 2 ports on current cores).
    // The kernels are compiled fully optimised up front: each chunk is one long loop, and tiered
    // compilation would otherwise start every fresh call in unoptimised code with the
    // accumulators in memory, which under-reports the peak.
    private static long Kernel(int bits, long iterations) => bits switch
    {
        512 => Kernel512(iterations),
        256 => Kernel256(iterations),
        _ => Kernel128(iterations),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Kernel512(long iterations)
    {
        var a = Vector512.Create(0.999f);
        var b = Vector512.Create(0.001f);
        Vector512<float> c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a, c6 = a, c7 = a, c8 = a, c9 = a, c10 = a, c11 = a;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, a, b); c1 = Avx512F.FusedMultiplyAdd(c1, a, b);
            c2 = Avx512F.FusedMultiplyAdd(c2, a, b); c3 = Avx512F.FusedMultiplyAdd(c3, a, b);
            c4 = Avx512F.FusedMultiplyAdd(c4, a, b); c5 = Avx512F.FusedMultiplyAdd(c5, a, b);
            c6 = Avx512F.FusedMultiplyAdd(c6, a, b); c7 = Avx512F.FusedMultiplyAdd(c7, a, b);
            c8 = Avx512F.FusedMultiplyAdd(c8, a, b); c9 = Avx512F.FusedMultiplyAdd(c9, a, b);
            c10 = Avx512F.FusedMultiplyAdd(c10, a, b); c11 = Avx512F.FusedMultiplyAdd(c11, a, b);
        }

        Sink(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
        return iterations * 12 * 16 * 2;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Kernel256(long iterations)
    {
        var a = Vector256.Create(0.999f);
        var b = Vector256.Create(0.001f);
        Vector256<float> c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a, c6 = a, c7 = a, c8 = a, c9 = a, c10 = a, c11 = a;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(c0, a, b); c1 = Fma.MultiplyAdd(c1, a, b);
            c2 = Fma.MultiplyAdd(c2, a, b); c3 = Fma.MultiplyAdd(c3, a, b);
            c4 = Fma.MultiplyAdd(c4, a, b); c5 = Fma.MultiplyAdd(c5, a, b);
            c6 = Fma.MultiplyAdd(c6, a, b); c7 = Fma.MultiplyAdd(c7, a, b);
            c8 = Fma.MultiplyAdd(c8, a, b); c9 = Fma.MultiplyAdd(c9, a, b);
            c10 = Fma.MultiplyAdd(c10, a, b); c11 = Fma.MultiplyAdd(c11, a, b);
        }

        Sink(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
        return iterations * 12 * 8 * 2;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Kernel128(long iterations)
    {
        var a = Vector128.Create(0.999f);
        var b = Vector128.Create(0.001f);
        Vector128<float> c0 = a, c1 = a, c2 = a, c3 = a;
        for (long i = 0; i < iterations; i++)
        {
            c0 = c0 * a + b; c1 = c1 * a + b; c2 = c2 * a + b; c3 = c3 * a + b;
        }

        Sink(c0 + c1 + c2 + c3);
        return iterations * 4 * 4 * 2;
    }

    private static volatile float sink;

    private static void Sink<T>(T v) where T : struct => sink = v.GetHashCode();
}
