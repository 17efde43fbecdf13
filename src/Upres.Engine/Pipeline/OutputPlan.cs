using Upres.Engine.Interpolation;
using Upres.Engine.Media;

namespace Upres.Engine.Pipeline;

/// Everything decided before any process starts: sizes, filters, formats. Pure data, so it is unit-testable.
internal sealed record OutputPlan
{
    public required ContainerFormat Container { get; init; }
    public required VideoCodec Codec { get; init; }
    public required int VideoStreamIndex { get; init; }

    /// The demuxer the input's first probe chose; every ffmpeg call on the input is pinned to it.
    public required string InputFormat { get; init; }

    /// Frames as they come out of the decoder (after rotation and deinterlace), what the model sees.
    public required int DecodedWidth { get; init; }
    public required int DecodedHeight { get; init; }
    public required int ModelScale { get; init; }
    public int UpscaledWidth => DecodedWidth * ModelScale;
    public int UpscaledHeight => DecodedHeight * ModelScale;
    public required int OutputWidth { get; init; }
    public required int OutputHeight { get; init; }

    /// rgb48le on both pipes for sources deeper than 8 bits, else rgb24.
    public required bool SixteenBitPipe { get; init; }
    public string PipePixelFormat => SixteenBitPipe ? "rgb48le" : "rgb24";
    public required string OutputPixelFormat { get; init; }

    /// The decode graph in its four parts. A segment of the video cuts its frame range between the
    /// frame-rate cap's cleanup and the pixel conversion, so the time-dependent filters before the cut
    /// (deinterlace, the cap, denoise) see the same neighbouring frames as in a single run.
    public required IReadOnlyList<string> FieldFilters { get; init; }

    /// Frames are dropped (never duplicated) down to this rate, by their own timestamps.
    public required double? MaxFps { get; init; }

    public required IReadOnlyList<string> CleanupFilters { get; init; }
    public required IReadOnlyList<string> PixelFilters { get; init; }

    public IReadOnlyList<string> DecodeFilters =>
        [.. FieldFilters, .. MaxFps is { } cap ? [FfmpegArguments.FrameRateCap(cap)] : Array.Empty<string>(), .. CleanupFilters, .. PixelFilters];

    /// Filters whose output for a frame depends on the frames before it: a segment decodes a little earlier to warm them up.
    public bool HasTemporalFilters => FieldFilters.Count + CleanupFilters.Count > 0;
    public required IReadOnlyList<string> EncodeFilters { get; init; }
    public required IReadOnlyList<string> EncoderArguments { get; init; }

    /// Exact fraction the encoder is told; real per-frame timestamps are restored afterwards.
    public required string NominalFrameRate { get; init; }
    public required TimeSpan? Start { get; init; }
    public required TimeSpan? Duration { get; init; }
    public required long EstimatedFrames { get; init; }

    /// Set when the request interpolates to another frame rate (NominalFrameRate is then its target).
    public FrameRateConverter? Interpolation { get; init; }

    /// The most source frames the decoder may yield (the request's FrameLimit, which counts output frames, on the source's clock).
    public long? DecodeFrameLimit { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }

    /// The numbers a caller prices and stores (OutputPlanner.Plan's answer), before a run's own
    /// refinements (a counted total for progress, a segment's range).
    public required PlannedOutput Output { get; init; }
}
