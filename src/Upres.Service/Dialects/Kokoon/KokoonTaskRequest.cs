using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.Kokoon;

/// POST /kokoon/api/sr/v3/task. Times are milliseconds.
public sealed record KokoonTaskRequest
{
    [JsonPropertyName("task_type")] public required string TaskType { get; init; }
    [JsonPropertyName("category")] public required string Category { get; init; }
    [JsonPropertyName("use_sr")] public required bool UseSr { get; init; }
    [JsonPropertyName("input_quality")] public required string InputQuality { get; init; }
    [JsonPropertyName("option")] public required KokoonOption Option { get; init; }
    [JsonPropertyName("vid")] public required string Vid { get; init; }
    [JsonPropertyName("width")] public required int Width { get; init; }
    [JsonPropertyName("height")] public required int Height { get; init; }
    [JsonPropertyName("start_pos")] public long StartPos { get; init; }
    [JsonPropertyName("duration")] public long Duration { get; init; }
    [JsonPropertyName("codec")] public string Codec { get; init; } = "h264";
    [JsonPropertyName("format")] public string Format { get; init; } = "mp4";
    [JsonPropertyName("use_trim_orig")] public bool UseTrimOrig { get; init; }

    public bool IsPreview => string.Equals(TaskType, "SR_PREVIEW", StringComparison.Ordinal);

    public bool IsWholeFile => StartPos == 0 && Duration == 0;
}
