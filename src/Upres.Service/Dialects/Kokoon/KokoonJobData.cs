using System.Text.Json;
using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.Kokoon;

/// What a kokoon task remembers of its request (JobRecord.DialectData).
public sealed record KokoonJobData(
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("task_type")] string TaskType,
    [property: JsonPropertyName("in_vid")] string InVid,
    [property: JsonPropertyName("filename")] string? Filename)
{
    /// The create request's body as sent, echoed by the task information call as request_body.
    [JsonPropertyName("request_body")]
    public JsonElement? RequestBody { get; init; }

    /// use_trim_orig: the range of the original `source` that becomes the new video InVid, made by
    /// the worker before the task runs.
    [JsonPropertyName("trim_orig")]
    public KokoonTrimOrig? TrimOrig { get; init; }
}

public sealed record KokoonTrimOrig(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("start_ms")] long StartMs,
    [property: JsonPropertyName("duration_ms")] long DurationMs);
