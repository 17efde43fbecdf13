namespace Upres.Engine.Imaging;

/// An upscaler that takes 8-bit frames as ffmpeg pipes them (packed RGB, 3 bytes a pixel) and
/// writes them back the same way, so the pipeline can skip its float conversion on the CPU (the
/// GPU path converts inside the model). Safe to call from several threads at once.
public interface IPackedFrameUpscaler : IFrameUpscaler
{
    void UpscalePacked(ReadOnlySpan<byte> input, int width, int height, Span<byte> output, CancellationToken cancellationToken);
}
