using Upres.Engine.Models.Onnx;

namespace Upres.Engine.Tests.Tiling;

/// Random-weight stand-ins for the real upscalers, shaped like the compact SRVGG design of
/// realesr-animevideov3: conv + PReLU, a body of 3x3 convs, conv to 3*s*s channels,
/// DepthToSpace (CRD), plus a nearest-upsampled copy of the input.
internal static class TestNetworks
{
    /// Receptive radius in input pixels: one per 3x3 conv, i.e. bodyLayers + 2.
    public static int ReceptiveRadius(int bodyLayers) => bodyLayers + 2;

    public static byte[] Compact(int scale, int channels, int bodyLayers, int seed)
    {
        var random = new Random(seed);
        var b = new OnnxGraphBuilder("compact");
        var x = b.AddInput("input", 1, 3, -1, -1);
        var current = Conv(b, random, x, 3, channels, "head");
        current = PRelu(b, random, current, channels, "head");
        for (var i = 0; i < bodyLayers; i++)
        {
            current = Conv(b, random, current, channels, channels, $"body{i}");
            current = PRelu(b, random, current, channels, $"body{i}");
        }

        current = Conv(b, random, current, channels, 3 * scale * scale, "tail");
        var shuffled = b.AddNode("DepthToSpace", [current], ["shuffled"], new OnnxAttribute.Int("blocksize", scale), new OnnxAttribute.String("mode", "CRD"));
        var scales = b.AddInitializer("scales", [1f, 1f, scale, scale], 4);
        var upsampled = b.AddNode("Resize", [x, "", scales], ["upsampled"], new OnnxAttribute.String("mode", "nearest"));
        b.AddNode("Add", [shuffled, upsampled], ["output"]);
        b.AddOutput("output", 1, 3, -1, -1);
        return b.ToModelBytes();
    }

    /// The cheapest network with a real x{scale} output: a 1x1 conv to 3*s*s channels and DepthToSpace.
    public static byte[] PixelShuffleOnly(int scale, int seed)
    {
        var random = new Random(seed);
        var b = new OnnxGraphBuilder("shuffle");
        var x = b.AddInput("input", 1, 3, -1, -1);
        var weights = new float[3 * scale * scale * 3];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)random.NextDouble() / 3;
        }

        var w = b.AddInitializer("w", weights, 3 * scale * scale, 3, 1, 1);
        var conv = b.AddNode("Conv", [x, w], ["conv"]);
        b.AddNode("DepthToSpace", [conv], ["output"], new OnnxAttribute.Int("blocksize", scale), new OnnxAttribute.String("mode", "CRD"));
        b.AddOutput("output", 1, 3, -1, -1);
        return b.ToModelBytes();
    }

    private static string Conv(OnnxGraphBuilder b, Random random, string input, int inChannels, int outChannels, string name)
    {
        var weights = new float[outChannels * inChannels * 9];
        var std = Math.Sqrt(1.0 / (9 * inChannels));
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)((random.NextDouble() * 2 - 1) * std * 1.7);
        }

        var bias = new float[outChannels];
        for (var i = 0; i < bias.Length; i++)
        {
            bias[i] = (float)((random.NextDouble() - 0.5) * 0.1);
        }

        var w = b.AddInitializer($"{name}.w", weights, outChannels, inChannels, 3, 3);
        var bb = b.AddInitializer($"{name}.b", bias, outChannels);
        return b.AddNode("Conv", [input, w, bb], [$"{name}.conv"], new OnnxAttribute.Ints("pads", [1, 1, 1, 1]), new OnnxAttribute.Ints("kernel_shape", [3, 3]));
    }

    private static string PRelu(OnnxGraphBuilder b, Random random, string input, int channels, string name)
    {
        var slopes = new float[channels];
        for (var i = 0; i < slopes.Length; i++)
        {
            slopes[i] = (float)(random.NextDouble() * 0.3);
        }

        var s = b.AddInitializer($"{name}.slope", slopes, channels, 1, 1);
        return b.AddNode("PRelu", [input, s], [$"{name}.prelu"]);
    }
}
