using System.Runtime.InteropServices;

namespace Upres.Engine.Inference.Compact;

/// The network's weights re-laid for the row kernels, in one aligned native block that the GC
/// never moves (the kernels take raw pointers for the whole frame). With Winograd, every
/// 64-channel layer also carries its transformed weights; the 3-channel head stays direct.
internal sealed unsafe class PackedCompactModel : IDisposable
{
    private readonly float* block;
    private bool disposed;

    public PackedCompactModel(CompactSrWeights weights, ConvolutionAlgorithm algorithm)
    {
        weights.Validate();
        Weights = weights;
        Algorithm = algorithm;
        var layers = weights.Features.Append(weights.Last).ToArray();
        var winograd = layers.Select(l => algorithm == ConvolutionAlgorithm.Winograd && l.InChannels == WinogradRowKernel.Channels ? WinogradRowKernel.Pack(l) : null).ToArray();
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

    /// Features first, the last convolution at the end.
    public PackedLayer[] Layers { get; }

    /// Floats rounded up to whole 64-byte lines, so the next array starts on one.
    internal static long Aligned(long floats) => (floats + 15) / 16 * 16;

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

        /// Null where the layer runs Winograd.
        public float* Weights { get; } = weights;

        public float* Bias { get; } = bias;

        public float* Slopes { get; } = slopes;

        /// Null where the layer runs direct.
        public float* WinogradWeights { get; } = winogradWeights;
    }
}
