namespace Upres.Engine.Imaging;

/// Turns one frame into a frame Scale times larger. Implementations: the ONNX models (tiled),
/// and classical filters for "no SR" paths.
public interface IFrameUpscaler : IDisposable
{
    string Name { get; }

    int Scale { get; }

    PlanarImage Upscale(PlanarImage input, CancellationToken cancellationToken);
}
