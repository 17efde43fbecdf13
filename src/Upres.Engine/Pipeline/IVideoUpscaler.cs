namespace Upres.Engine.Pipeline;

/// The engine's entry points for callers. Implemented by VideoUpscaler (and UpscaleEngine over it).
public interface IVideoUpscaler
{
    Task<UpscaleResult> UpscaleAsync(UpscaleRequest request, IProgress<UpscaleProgress>? progress, CancellationToken cancellationToken);

    /// One video across many workers: read the timeline once, upscale its frame ranges anywhere (any
    /// order, any process), then join them into the output UpscaleAsync would have written.
    Task<FrameTimeline> ReadTimelineAsync(UpscaleRequest request, CancellationToken cancellationToken);

    Task<VideoSegment> UpscaleSegmentAsync(
        UpscaleRequest request, FrameTimeline timeline, FrameRange range, string segmentPath,
        IProgress<UpscaleProgress>? progress, CancellationToken cancellationToken);

    Task<UpscaleResult> JoinSegmentsAsync(
        UpscaleRequest request, FrameTimeline timeline, IReadOnlyList<VideoSegment> segments, CancellationToken cancellationToken);
}
