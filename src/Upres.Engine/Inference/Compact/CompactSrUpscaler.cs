using System.Collections.Concurrent;
using Upres.Engine.Imaging;

namespace Upres.Engine.Inference.Compact;

/// The SRVGGNetCompact family (realesr-animevideov3 x2/x3/x4, realesrgan-x4fast) on the CPU
/// with the AVX2 row-streaming engine (2-D Winograd F(4x4,3x3) for the 64-channel layers by
/// default),
/// computing what the ncnn graph computes.
/// Two ways to use the cores: Upscale splits one frame into horizontal bands, one per thread,
/// each with a halo of the receptive margin (some rows computed twice); UpscaleOnCallingThread
/// does a whole frame on the caller's thread, so a video pipeline can keep several frames in
/// flight (no halo, the best throughput).
public sealed class CompactSrUpscaler : IConcurrentFrameUpscaler
{
    private readonly PackedCompactModel model;
    private readonly ConcurrentBag<CompactSrRunner> runners = [];
    private bool disposed;

    private CompactSrUpscaler(CompactSrWeights weights, int threads, int prePadding, ConvolutionAlgorithm algorithm, GemmWidth gemmWidth)
    {
        model = new PackedCompactModel(weights, algorithm, gemmWidth);
        Threads = threads;
        PrePadding = prePadding;
    }

    /// The fastest algorithm measured with `upres bench` (see README, Speed).
    public const ConvolutionAlgorithm DefaultAlgorithm = ConvolutionAlgorithm.Winograd4x4;

    public static bool IsSupported => System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported;

    /// prePadding mirrors that many pixels around the frame before the network and crops them
    /// off after, as realesrgan-ncnn-vulkan does (10) and as the catalog's conversion bakes in
    /// (InputFraming.RealEsrgan); 0 runs the bare network with its zero padding. gemmWidth null
    /// takes this process's measured choice (GemmWidthChoice).
    public static CompactSrUpscaler Create(
        CompactSrWeights weights, int threads = 0, int prePadding = 0, ConvolutionAlgorithm algorithm = DefaultAlgorithm, GemmWidth? gemmWidth = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prePadding);
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("the compact SR engine needs AVX2 and FMA");
        }

        return new CompactSrUpscaler(
            weights, threads > 0 ? threads : Environment.ProcessorCount, prePadding, algorithm, gemmWidth ?? GemmWidthChoice.Current.Width);
    }

    public string Name => model.Weights.Name;

    public int Scale => model.Weights.OutputScale;

    public int Threads { get; }

    public int FramesInFlight => Threads;

    public int PrePadding { get; }

    public ConvolutionAlgorithm Algorithm => model.Algorithm;

    public GemmWidth GemmWidth => model.GemmWidth;

    public CompactSrWeights Weights => model.Weights;

    /// Multiply-adds the convolution kernels executed so far, over every runner that is not
    /// working on a frame right now (for tests and the benchmark's executed-work figure).
    public long ExecutedMacs => runners.Sum(r => r.ExecutedMacs);

    /// Rows a band must read beyond its own so that its rows come out exactly as for the whole
    /// frame: one per convolution, plus one for the bicubic tail's taps.
    public int Halo => model.Weights.ConvCount + 1;

    public PlanarImage Upscale(PlanarImage input, CancellationToken cancellationToken) =>
        Framed(input, UpscaleBands, cancellationToken);

    public PlanarImage UpscaleOnCallingThread(PlanarImage input, CancellationToken cancellationToken) =>
        Framed(input, UpscaleWhole, cancellationToken);

    private PlanarImage Framed(PlanarImage input, Func<PlanarImage, CancellationToken, PlanarImage> run, CancellationToken cancellationToken)
    {
        if (PrePadding == 0)
        {
            return run(input, cancellationToken);
        }

        var padded = run(Mirror(input, PrePadding), cancellationToken);
        var scale = Scale;
        var output = new PlanarImage(input.Width * scale, input.Height * scale);
        var offset = PrePadding * scale;
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < output.Height; y++)
            {
                padded.Plane(c).Slice(((y + offset) * padded.Width) + offset, output.Width).CopyTo(output.Plane(c).Slice(y * output.Width, output.Width));
            }
        }

        return output;
    }

    // The binaries' mirror: i -> (n-1) - ||i| - (n-1)|, clamped for frames narrower than the pad.
    private static PlanarImage Mirror(PlanarImage input, int pad)
    {
        int w = input.Width, h = input.Height;
        var result = new PlanarImage(w + (2 * pad), h + (2 * pad));
        static int Map(int i, int n) => Math.Clamp(n - 1 - Math.Abs(Math.Abs(i) - (n - 1)), 0, n - 1);
        var xs = Enumerable.Range(-pad, w + (2 * pad)).Select(i => Map(i, w)).ToArray();
        for (var c = 0; c < 3; c++)
        {
            var src = input.Plane(c);
            var dst = result.Plane(c);
            for (var y = 0; y < result.Height; y++)
            {
                var sy = Map(y - pad, h);
                for (var x = 0; x < result.Width; x++)
                {
                    dst[(y * result.Width) + x] = src[(sy * w) + xs[x]];
                }
            }
        }

        return result;
    }

    private PlanarImage UpscaleBands(PlanarImage input, CancellationToken cancellationToken)
    {
        var output = NewOutput(input);
        var bands = Math.Min(Threads, Math.Max(1, input.Height / Math.Max(1, Halo)));
        if (bands <= 1)
        {
            RunBand(input, output, 0, input.Height, cancellationToken);
            return output;
        }

        var tasks = new Task[bands];
        for (var i = 0; i < bands; i++)
        {
            var y0 = (int)((long)input.Height * i / bands);
            var y1 = (int)((long)input.Height * (i + 1) / bands);
            tasks[i] = Task.Factory.StartNew(
                () => RunBand(input, output, y0, y1, cancellationToken),
                cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        try
        {
            Task.WaitAll(tasks, cancellationToken);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
        {
            throw new OperationCanceledException(cancellationToken);
        }

        return output;
    }

    private PlanarImage UpscaleWhole(PlanarImage input, CancellationToken cancellationToken)
    {
        var output = NewOutput(input);
        RunBand(input, output, 0, input.Height, cancellationToken);
        return output;
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        while (runners.TryTake(out var r))
        {
            r.Dispose();
        }

        model.Dispose();
    }

    private PlanarImage NewOutput(PlanarImage input)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var w = model.Weights;
        return new PlanarImage(w.OutputWidth(input.Width), w.OutputHeight(input.Height));
    }

    private void RunBand(PlanarImage input, PlanarImage output, int y0, int y1, CancellationToken cancellationToken)
    {
        var runner = Rent(input.Width);
        try
        {
            runner.Run(input, output, y0, y1, Halo, cancellationToken);
        }
        finally
        {
            runners.Add(runner);
        }
    }

    // Runners hold row buffers sized for one width; frames of a video share it, so keep them.
    private CompactSrRunner Rent(int width)
    {
        var stale = new List<CompactSrRunner>();
        CompactSrRunner? found = null;
        while (runners.TryTake(out var r))
        {
            if (r.Width == width)
            {
                found = r;
                break;
            }

            stale.Add(r);
        }

        stale.ForEach(r => r.Dispose());
        return found ?? new CompactSrRunner(model, width);
    }
}
