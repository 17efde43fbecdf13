using System.Runtime.InteropServices;

namespace Upres.Engine.Inference.Compact;

/// The network's weights re-laid for ConvRowKernel, in one aligned native block that the GC
/// never moves (the kernels take raw pointers for the whole frame).
internal sealed unsafe class PackedCompactModel : IDisposable
{
    private readonly float* block;
    private bool disposed;

    public PackedCompactModel(CompactSrWeights weights)
    {
        weights.Validate();
        Weights = weights;
        var layers = weights.Features.Append(weights.Last).ToArray();
        long total = layers.Sum(l => (long)l.Weights.Length + (2L * l.OutChannels));
        block = (float*)NativeMemory.AlignedAlloc((nuint)(total * sizeof(float)), 64);
        var cursor = block;
        Layers = new PackedLayer[layers.Length];
        for (var i = 0; i < layers.Length; i++)
        {
            var l = layers[i];
            var packedWeights = cursor;
            ConvRowKernel.Pack(l).AsSpan().CopyTo(new Span<float>(cursor, l.Weights.Length));
            cursor += l.Weights.Length;
            var bias = cursor;
            l.Bias.AsSpan().CopyTo(new Span<float>(cursor, l.OutChannels));
            cursor += l.OutChannels;
            float* slopes = null;
            if (l.PreluSlopes is not null)
            {
                slopes = cursor;
                l.PreluSlopes.AsSpan().CopyTo(new Span<float>(cursor, l.OutChannels));
            }

            cursor += l.OutChannels;
            Layers[i] = new PackedLayer(l.InChannels, l.OutChannels, packedWeights, bias, slopes);
        }
    }

    public CompactSrWeights Weights { get; }

    /// Features first, the last convolution at the end.
    public PackedLayer[] Layers { get; }

    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            NativeMemory.AlignedFree(block);
        }
    }

    internal readonly struct PackedLayer(int inChannels, int outChannels, float* weights, float* bias, float* slopes)
    {
        public int InChannels { get; } = inChannels;

        public int OutChannels { get; } = outChannels;

        public float* Weights { get; } = weights;

        public float* Bias { get; } = bias;

        public float* Slopes { get; } = slopes;
    }
}
