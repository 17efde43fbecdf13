namespace Upres.Engine.Inference.Compact;

/// One 3x3 convolution (stride 1, zero padding 1) with bias, optionally followed by a per-channel
/// PReLU. Weights are in the ONNX/ncnn order [oc, ic, 3, 3].
public sealed record CompactConvLayer(int InChannels, int OutChannels, float[] Weights, float[] Bias, float[]? PreluSlopes)
{
    public void Validate()
    {
        if (Weights.Length != OutChannels * InChannels * 9)
        {
            throw new ArgumentException($"conv weights: expected {OutChannels * InChannels * 9} floats, got {Weights.Length}");
        }

        if (Bias.Length != OutChannels)
        {
            throw new ArgumentException($"conv bias: expected {OutChannels} floats, got {Bias.Length}");
        }

        if (PreluSlopes is not null && PreluSlopes.Length != OutChannels)
        {
            throw new ArgumentException($"PReLU slopes: expected {OutChannels} floats, got {PreluSlopes.Length}");
        }
    }
}
