namespace Upres.Engine.Imaging;

/// An upscaler that can run several frames at once, one per calling thread, each frame on that
/// thread alone. A video pipeline keeps FramesInFlight frames going instead of splitting every
/// frame across the cores, which saves the work a split repeats at its seams.
public interface IConcurrentFrameUpscaler : IFrameUpscaler
{
    int FramesInFlight { get; }

    PlanarImage UpscaleOnCallingThread(PlanarImage input, CancellationToken cancellationToken);
}
