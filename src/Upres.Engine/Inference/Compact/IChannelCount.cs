namespace Upres.Engine.Inference.Compact;

/// A compile-time channel count: the JIT specialises the convolution kernel per struct, so the
/// pixel strides in its inner loop become immediate address offsets instead of registers.
internal interface IChannelCount
{
    static abstract int Value { get; }
}

internal readonly struct Channels3 : IChannelCount
{
    public static int Value => 3;
}

internal readonly struct Channels64 : IChannelCount
{
    public static int Value => 64;
}
