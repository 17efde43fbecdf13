using Upres.Engine.Pipeline;

namespace Upres.Service.Segments;

/// One frame range of a split job: a unit of work with its own lease, attempts and checkpoint.
public sealed record SegmentRecord
{
    public required string Id { get; init; }
    public required string JobId { get; init; }
    public required int Index { get; init; }
    public required FrameRange Range { get; init; }
    public required SegmentStatus Status { get; init; }
    public int Attempts { get; init; }

    /// Attempts that died inside the segment's frames at the furthest place any attempt had reached (WorkPlaces).
    public int Strikes { get; init; }
    public long Checkpoint { get; init; }
    public string? WorkerId { get; init; }

    /// The upscaled segment's storage key, once done.
    public string? ResultKey { get; init; }
}

public enum SegmentStatus { Queued, Processing, Done, Cancelled, Failed }
