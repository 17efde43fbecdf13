using System.Text.Json;
using System.Text.Json.Serialization;

namespace Upres.Engine.Pipeline;

/// Every frame a single run of a request would upscale, with its presentation time on that run's
/// clock (zero at the request's start). It is read once from the source (a decode without pixel
/// work), the video is cut into frame ranges on it, each range becomes an independent segment, and
/// the join restores these times. Cuts fall halfway between two frames, so each frame lands in
/// exactly one segment however the source's clock rounds.
public sealed record FrameTimeline
{
    /// The request's start on the source's clock (its -ss), in seconds; 0 without a start.
    [JsonPropertyName("origin")]
    public required double OriginSeconds { get; init; }

    [JsonPropertyName("seconds")]
    public required IReadOnlyList<double> Seconds { get; init; }

    /// The frame rate the encoder is told (real times are put back at the join).
    [JsonPropertyName("nominal_rate")]
    public required double NominalRate { get; init; }

    [JsonIgnore]
    public int Count => Seconds.Count;

    /// The whole range in `segments` nearly equal parts (fewer when there are fewer frames, or
    /// frames that share a time and cannot be told apart by it).
    public IReadOnlyList<FrameRange> Split(int segments)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segments, 1);
        var n = Math.Min(segments, Math.Max(1, Count));
        var cuts = Enumerable.Range(1, n - 1).Select(i => (int)((long)Count * i / n))
            .Select(c => Enumerable.Range(c, Count - c).FirstOrDefault(CanCutBefore));
        return SplitAt(cuts.Where(c => c > 0));
    }

    /// A segment can start at frame i when it comes strictly after frame i - 1 (the cut is a time).
    public bool CanCutBefore(int i) => i > 0 && i < Count && Seconds[i] > Seconds[i - 1];

    /// Ranges that start at frame 0 and at each of `cuts` (ascending, inside the timeline).
    public IReadOnlyList<FrameRange> SplitAt(IEnumerable<int> cuts)
    {
        var starts = cuts.Prepend(0).Distinct().Order().ToList();
        if (starts.Skip(1).Any(c => !CanCutBefore(c)) || starts[0] < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cuts), $"cuts must lie inside the {Count} frames, each after a frame of an earlier time");
        }

        return [.. starts.Select((s, i) => new FrameRange(s, (i + 1 < starts.Count ? starts[i + 1] : Count) - s))];
    }

    public string ToJson() => JsonSerializer.Serialize(this);

    public static FrameTimeline FromJson(string json) =>
        JsonSerializer.Deserialize<FrameTimeline>(json) ?? throw new JsonException("empty frame timeline");

    internal SegmentWindow WindowFor(FrameRange range, double warmUpSeconds)
    {
        if (range.First < 0 || range.Count < 1 || range.End > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(range), $"{range} is not inside the {Count} frames");
        }

        var t = Seconds;
        var o = OriginSeconds;
        double Gap(int i) => i + 1 < t.Count ? t[i + 1] - t[i] : i > 0 ? t[i] - t[i - 1] : 1 / NominalRate;

        // The frame before the first is before the request's start: never cut earlier than that start.
        var firstAfter = o + t[0] - Math.Min(Gap(0) / 2, t[0] + 0.0005);
        double? start = range.First > 0 ? o + ((t[range.First - 1] + t[range.First]) / 2) : o > 0 ? firstAfter : null;
        // Past the last frame the next one is unknown; half a gap on is safe, as the segment reads only its frame count.
        double? end = o + (range.End < Count ? (t[range.End - 1] + t[range.End]) / 2 : t[^1] + (Gap(Count - 1) / 2));
        return new SegmentWindow
        {
            SeekSeconds = Math.Max(0, (start ?? 0) - warmUpSeconds),
            StartSeconds = start,
            EndSeconds = end,
            OriginSeconds = o,
            FirstFrameAfterSeconds = firstAfter,
            ExpectedSeconds = [.. t.Skip(range.First).Take(range.Count).Select(s => o + s)],
        };
    }
}
