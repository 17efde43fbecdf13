using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Upres.Service.Segments;

/// When one long video is cut into segments that several workers upscale at once.
public sealed class SegmentOptions
{
    /// Outputs shorter than this run whole on one worker.
    [ConfigurationKeyName("UPRES_SPLIT_MIN_SECONDS")]
    [Range(0, 86_400)]
    public double SplitMinSeconds { get; set; } = 10;

    /// No segment is shorter than this: each pays a model load, a keyframe's worth of decode and an encoder start.
    [ConfigurationKeyName("UPRES_SEGMENT_MIN_SECONDS")]
    [Range(0.001, 86_400)]
    public double SegmentMinSeconds { get; set; } = 5;

    /// Segments per live worker slot: 1 gives each slot one; more evens out workers of unequal speed.
    [ConfigurationKeyName("UPRES_SEGMENTS_PER_WORKER")]
    [Range(1, 1000)]
    public int SegmentsPerWorker { get; set; } = 1;
}
