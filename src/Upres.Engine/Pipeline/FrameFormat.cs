using System.Globalization;
using Upres.Engine.Imaging;

namespace Upres.Engine.Pipeline;

/// How frames travel between the pipeline's stages (decode -> infer -> encode), and how the model
/// is run on one. Planar floats for the CPU engine; the 8-bit bytes ffmpeg pipes, untouched, for
/// an upscaler that converts inside its model (the GPU path), so no frame is converted on the CPU.
internal abstract class FrameFormat<TFrame>(OutputPlan plan, IFrameUpscaler upscaler, HeldFrameDetector held)
    where TFrame : class
{
    protected OutputPlan Plan { get; } = plan;

    protected HeldFrameDetector Held { get; } = held;

    public IFrameUpscaler Upscaler { get; } = upscaler;

    /// Frames run at once, each on its own thread (IConcurrentFrameUpscaler); 1: one at a time,
    /// the upscaler free to split each frame across the cores.
    public int FramesInFlight => Upscaler is IConcurrentFrameUpscaler { FramesInFlight: > 1 } concurrent ? concurrent.FramesInFlight : 1;

    /// A frame from the decoder's pipe buffer (the buffer is reused for the next frame).
    public abstract TFrame FromDecoded(ReadOnlySpan<byte> buffer);

    /// The frame as the encoder's pipe takes it.
    public abstract void ToEncoded(TFrame frame, Span<byte> buffer);

    public abstract bool IsHeld(TFrame frame);

    /// Runs the model on the frame; a failure names the upscaler and the frame.
    public TFrame Upscale(TFrame frame, long index, CancellationToken token)
    {
        try
        {
            return Run(frame, token);
        }
        catch (Exception e) when (e is not OperationCanceledException and not UpscaleException)
        {
            throw new UpscaleException(UpscaleErrorCodes.UpscalerFailed, $"{Upscaler.Name} failed on frame {index}: {e.Message}", e);
        }
    }

    protected abstract TFrame Run(TFrame frame, CancellationToken token);

    /// Planar floats, converted on the CPU on the way in and out.
    public static FrameFormat<PlanarImage> Planar(OutputPlan plan, IFrameUpscaler upscaler, HeldFrameDetector held) => new PlanarFrames(plan, upscaler, held);

    private sealed class PlanarFrames(OutputPlan plan, IFrameUpscaler upscaler, HeldFrameDetector held) : FrameFormat<PlanarImage>(plan, upscaler, held)
    {
        public override PlanarImage FromDecoded(ReadOnlySpan<byte> buffer) => FrameConverter.ToPlanar(buffer, Plan.DecodedWidth, Plan.DecodedHeight, Plan.SixteenBitPipe);

        public override void ToEncoded(PlanarImage frame, Span<byte> buffer) => FrameConverter.ToPacked(frame, buffer, Plan.SixteenBitPipe);

        public override bool IsHeld(PlanarImage frame) => Held.IsHeld(frame);

        protected override PlanarImage Run(PlanarImage frame, CancellationToken token)
        {
            var result = FramesInFlight > 1 ? ((IConcurrentFrameUpscaler)Upscaler).UpscaleOnCallingThread(frame, token) : Upscaler.Upscale(frame, token);
            if (result.Width != Plan.UpscaledWidth || result.Height != Plan.UpscaledHeight)
            {
                throw new UpscaleException(UpscaleErrorCodes.UpscalerFailed, string.Create(CultureInfo.InvariantCulture,
                    $"{Upscaler.Name} returned {result.Width}x{result.Height}; expected {Plan.UpscaledWidth}x{Plan.UpscaledHeight}"));
            }

            return result;
        }
    }
}

/// The 8-bit bytes ffmpeg pipes (rgb24), handed to an IPackedFrameUpscaler as they are.
internal sealed class PackedFrames(OutputPlan plan, IPackedFrameUpscaler upscaler, HeldFrameDetector held) : FrameFormat<byte[]>(plan, upscaler, held)
{
    /// Whether this run can keep its frames packed: an upscaler that takes bytes, an 8-bit pipe,
    /// and no stage in between that works on planar frames (frame interpolation).
    public static bool Fits(OutputPlan plan, IFrameUpscaler upscaler, bool hasPlanarStage) =>
        upscaler is IPackedFrameUpscaler && !plan.SixteenBitPipe && !hasPlanarStage && upscaler.Scale == plan.ModelScale;

    public override byte[] FromDecoded(ReadOnlySpan<byte> buffer) => buffer.ToArray();

    public override void ToEncoded(byte[] frame, Span<byte> buffer) => frame.CopyTo(buffer);

    public override bool IsHeld(byte[] frame) => Held.IsHeld(frame, Plan.DecodedWidth, Plan.DecodedHeight);

    protected override byte[] Run(byte[] frame, CancellationToken token)
    {
        var output = new byte[FrameConverter.FrameBytes(Plan.UpscaledWidth, Plan.UpscaledHeight, sixteenBit: false)];
        ((IPackedFrameUpscaler)Upscaler).UpscalePacked(frame, Plan.DecodedWidth, Plan.DecodedHeight, output, token);
        return output;
    }
}
