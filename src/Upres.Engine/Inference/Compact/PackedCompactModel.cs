using System.Runtime.InteropServices;

namespace Upres.Engine.Inference.Compact;

/// The network's weights re-laid for the row kernels, in one aligned native block that the GC
/// never moves (the kernels take raw pointers for the whole frame). With a Winograd algorithm,
/// every 64-channel layer carries its transformed weights; the 3-channel head stays direct.
internal sealed unsafe class PackedCompactModel : IDisposable
{
    private readonly float* block;
    private bool disposed;

    public PackedCompactModel(CompactSrWeights weights, ConvolutionAlgorithm algorithm, GemmWidth gemmWidth = GemmWidth.Avx2)
    {
        weights.Validate();
        Weights = weights;
        Algorithm = algorithm;
        GemmWidth = gemmWidth;
        var layers = weights.Features.Append(weights.Last).ToArray();
        var winograd = layers.Select(l => l.InChannels == WinogradRowKernel.Channels ? Transform(l, algorithm) : null).ToArray();
        long total = layers.Select((l, i) => (winograd[i] is { } w ? Aligned(w.Length) : Aligned(l.Weights.Length)) + (2L * Aligned(l.OutChannels))).Sum();
        block = (float*)NativeMemory.AlignedAlloc((nuint)(total * sizeof(float)), 64);
        var cursor = block;
        Layers = new PackedLayer[layers.Length];
        for (var i = 0; i < layers.Length; i++)
        {
            var l = layers[i];
            // A layer carries the weights of the one kernel that runs it.
            var transformed = winograd[i] is { } w ? Place(w, ref cursor) : null;
            var packedWeights = transformed is null ? Place(ConvRowKernel.Pack(l), ref cursor) : null;
            var bias = Place(l.Bias, ref cursor);
            var slopes = l.PreluSlopes is null ? null : Place(l.PreluSlopes, ref cursor);
            Layers[i] = new PackedLayer(l.InChannels, l.OutChannels, packedWeights, bias, slopes, transformed);
        }
    }

    public CompactSrWeights Weights { get; }

    public ConvolutionAlgorithm Algorithm { get; }

    /// The 2-D Winograd kernels' GEMM width.
    public GemmWidth GemmWidth { get; }

    /// Output rows a 64-channel layer computes at once.
    public int RowsPerGroup => Algorithm switch
    {
        ConvolutionAlgorithm.Winograd4x4 => 4,
        ConvolutionAlgorithm.Winograd2x2 => 2,
        _ => 1,
    };

    /// Row widths are rounded to this, a multiple of every kernel's chunk (6 direct, 12 F(2,3)
    /// and F(2x2), 24 F(4x4)), so one runner layout serves them all.
    public static int PixelMultiple => 24;

    /// Floats of per-runner scratch, enough for any kernel.
    public static int ScratchFloats => Math.Max(
        WinogradRowKernel.ScratchFloats,
        Math.Max(WinogradTileKernel<WinogradF2x2>.ScratchFloats, WinogradTileKernel<WinogradF4x4>.ScratchFloats));

    /// Features first, the last convolution at the end.
    public PackedLayer[] Layers { get; }

    /// Floats rounded up to whole 64-byte lines, so the next array starts on one.
    internal static long Aligned(long floats) => (floats + 15) / 16 * 16;

    private static float[]? Transform(CompactConvLayer layer, ConvolutionAlgorithm algorithm) => algorithm switch
    {
        ConvolutionAlgorithm.Winograd4x4 => WinogradTileKernel<WinogradF4x4>.Pack(layer),
        ConvolutionAlgorithm.Winograd2x2 => WinogradTileKernel<WinogradF2x2>.Pack(layer),
        ConvolutionAlgorithm.WinogradRow => WinogradRowKernel.Pack(layer),
        _ => null,
    };

    private static float* Place(float[] values, ref float* cursor)
    {
        var start = cursor;
        values.AsSpan().CopyTo(new Span<float>(start, values.Length));
        cursor += Aligned(values.Length);
        return start;
    }

    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            NativeMemory.AlignedFree(block);
        }
    }

    internal readonly struct PackedLayer(int inChannels, int outChannels, float* weights, float* bias, float* slopes, float* winogradWeights)
    {
        public int InChannels { get; } = inChannels;

        public int OutChannels { get; } = outChannels;

        /// Null where the layer runs a Winograd kernel.
        public float* Weights { get; } = weights;

        public float* Bias { get; } = bias;

        public float* Slopes { get; } = slopes;

        /// The Winograd kernel's transformed weights; null where the layer runs direct.
        public float* TransformedWeights { get; } = winogradWeights;
    }
}
