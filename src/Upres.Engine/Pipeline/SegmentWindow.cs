using Upres.Engine.Media;

namespace Upres.Engine.Pipeline;

/// Where one segment's decoder starts and cuts, in seconds on the source's own clock (see FfmpegArguments.SegmentDecode).
internal sealed record SegmentWindow
{
    /// The seek point; the decoder starts at the keyframe before it. 0 = from the start of the file.
    public required double SeekSeconds { get; init; }

    /// The first kept frame is the first one at or after this; null keeps from the first decoded frame.
    public required double? StartSeconds { get; init; }

    /// The first frame dropped after the window; the decoder stops there.
    public required double? EndSeconds { get; init; }

    /// The single run's time zero (its -ss) on this clock.
    public required double OriginSeconds { get; init; }

    /// Between the last frame before the single run's first frame and that first frame.
    public required double FirstFrameAfterSeconds { get; init; }

    /// When each of the window's frames must come out, on this clock.
    public required IReadOnlyList<double> ExpectedSeconds { get; init; }
}
