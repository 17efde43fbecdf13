using Upres.Engine.Imaging;
using Upres.Engine.Inference;
using Upres.Engine.Models.Conversion;
using Upres.Engine.Models.Ncnn;

namespace Upres.Engine.Benchmark;

/// The yardstick the compact engine is held to: the ncnn graph converted to ONNX with no input
/// framing and run by ONNX Runtime on the whole frame in one call (no tiles).
public sealed class PlainOnnxUpscaler : IFrameUpscaler
{
    private readonly OnnxSession session;

    private PlainOnnxUpscaler(OnnxSession session, string name, int scale)
    {
        this.session = session;
        Name = name;
        Scale = scale;
    }

    public string Name { get; }

    public int Scale { get; }

    public static PlainOnnxUpscaler Create(string paramPath, string binPath, int scale, int threads, CancellationToken cancellationToken = default)
    {
        var onnx = NcnnToOnnxConverter.Convert(
            NcnnNetwork.Load(paramPath), File.ReadAllBytes(binPath), new ConversionOptions(scale, InputFraming.None), cancellationToken);
        var session = OnnxSession.Create(onnx, new InferenceOptions { IntraOpThreads = threads });
        return new PlainOnnxUpscaler(session, Path.GetFileNameWithoutExtension(paramPath), scale);
    }

    public PlanarImage Upscale(PlanarImage input, CancellationToken cancellationToken)
    {
        var output = new PlanarImage(input.Width * Scale, input.Height * Scale);
        session.Run(input.Data, [1, 3, input.Height, input.Width], output.Data, [1, 3, output.Height, output.Width], cancellationToken);
        return output;
    }

    public void Dispose() => session.Dispose();
}
