using System.Diagnostics;
using Upres.Engine.Models.Onnx;

namespace Upres.Engine.Inference.Gpu;

/// Whether a provider really runs here, not only whether the runtime lists it: a tiny model (a
/// convolution and a nearest x2, in fp16 for the GPU providers) is run on it with every node
/// required to be on the provider, and its output checked.
public static class ProviderProbe
{
    public sealed record Result(ExecutionProvider Provider, bool Listed, bool Runs, string Detail);

    public static Result Run(ExecutionProvider provider, OrtRuntime? runtime = null, int deviceId = 0)
    {
        runtime ??= OrtRuntime.Shared;
        var name = OrtRuntime.ProviderName(provider);
        if (!runtime.Supports(provider))
        {
            return new(provider, Listed: false, Runs: false, $"{name} is not in this ONNX Runtime build");
        }

        var half = provider != ExecutionProvider.Cpu;
        var options = new InferenceOptions
        {
            ExecutionProvider = provider,
            DeviceId = deviceId,
            IntraOpThreads = 1,
            ConfigEntries = half ? new Dictionary<string, string> { ["session.disable_cpu_ep_fallback"] = "1" } : new Dictionary<string, string>(),
        };
        var clock = Stopwatch.StartNew();
        try
        {
            using var session = OrtSessions.Open(null, Model(half), options, runtime);
            var input = new byte[4 * 4 * 3];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (byte)(i * 5);
            }

            using var inputValue = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(input, [1, 4, 4, 3]);
            using var outputs = OrtSessions.Run(session, [session.InputNames[0]], [inputValue], [session.OutputNames[0]], CancellationToken.None);
            var output = outputs[0].GetTensorDataAsSpan<byte>();
            // Identity weights and nearest x2: every input byte comes back four times.
            var correct = output.Length == input.Length * 4 && output[0] == input[0] && output[^1] == input[^1];
            return correct
                ? new(provider, true, true, $"ran a test model in {clock.ElapsedMilliseconds} ms{(half ? " (fp16, every node on the provider)" : "")}")
                : new(provider, true, false, "ran, but gave a wrong answer");
        }
        catch (OrtException e)
        {
            return new(provider, true, false, FirstLine(e.RuntimeMessage));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            return new(provider, true, false, FirstLine(e.Message));
        }
    }

    // uint8 [1,H,W,3] -> cast -> 1x1 identity conv (NCHW) -> nearest x2 -> uint8, the shape of a
    // packed upscaler: the ops every converted model needs at its ends.
    private static byte[] Model(bool half)
    {
        var b = new OnnxGraphBuilder("probe");
        var x = b.AddInput("x", OnnxElementType.UInt8, 1, -1, -1, 3);
        var floats = b.AddNode("Cast", [x], ["f"], new OnnxAttribute.Int("to", (long)OnnxElementType.Float));
        var nchw = b.AddNode("Transpose", [floats], ["nchw"], new OnnxAttribute.Ints("perm", [0, 3, 1, 2]));
        var w = b.AddInitializer("w", [1f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 1f], 3, 3, 1, 1);
        var conv = b.AddNode("Conv", [nchw, w], ["conv"]);
        // Nearest x2 as the portable conversion does it (ConversionOptions.PortableOperators).
        var repeats = b.AddInitializerInt64("repeats", [1, 4, 1, 1], 4);
        var tiled = b.AddNode("Tile", [conv, repeats], ["tiled"]);
        var up = b.AddNode("DepthToSpace", [tiled], ["up"], new OnnxAttribute.Int("blocksize", 2), new OnnxAttribute.String("mode", "DCR"));
        var nhwc = b.AddNode("Transpose", [up], ["nhwc"], new OnnxAttribute.Ints("perm", [0, 2, 3, 1]));
        b.AddNode("Cast", [nhwc], ["y"], new OnnxAttribute.Int("to", (long)OnnxElementType.UInt8));
        b.AddOutput("y", OnnxElementType.UInt8, 1, -1, -1, 3);
        return b.ToModelBytes(halfPrecision: half);
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
