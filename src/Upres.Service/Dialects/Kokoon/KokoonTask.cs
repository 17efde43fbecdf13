using System.Text.Json;
using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.Kokoon;

/// GET /kokoon/api/sr/v3/task/{tid}, as kokoon's "Get a task information" page shows it. Numbers
/// the page sends as strings stay strings; times are kokoon timestamps, null until they happen.
public sealed record KokoonTask
{
    [JsonPropertyName("request_body")] public JsonElement? RequestBody { get; init; }
    [JsonPropertyName("uid")] public required string Uid { get; init; }
    [JsonPropertyName("tid")] public required string Tid { get; init; }
    [JsonPropertyName("in_vid")] public required string InVid { get; init; }
    [JsonPropertyName("out_vid")] public required string OutVid { get; init; }
    [JsonPropertyName("task_type")] public required string TaskType { get; init; }
    /// ready / preparing / prepared / running / done / cancel / unknown / error
    [JsonPropertyName("step")] public required string Step { get; init; }
    [JsonPropertyName("filename")] public required string Filename { get; init; }
    [JsonPropertyName("request_time")] public required string RequestTime { get; init; }
    [JsonPropertyName("start_time")] public string? StartTime { get; init; }
    [JsonPropertyName("finish_time")] public string? FinishTime { get; init; }
    /// "success" once done, the reason after an error or a cancel, "" before.
    [JsonPropertyName("result_message")] public string ResultMessage { get; init; } = "";
    /// The input's bitrate, frame rate and frame count; sr_nb_frames is the result's.
    [JsonPropertyName("bitrate")] public required string Bitrate { get; init; }
    [JsonPropertyName("fps")] public required string Fps { get; init; }
    [JsonPropertyName("nb_frames")] public required string NbFrames { get; init; }
    [JsonPropertyName("sr_nb_frames")] public required string SrNbFrames { get; init; }
    /// Percent done, "0".."100", a string as on the page.
    [JsonPropertyName("progress")] public required string Progress { get; init; }
    /// SR_PREVIEW only: the original and the SR result of the previewed range.
    [JsonPropertyName("preview_orig_url")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PreviewOrigUrl { get; init; }
    [JsonPropertyName("preview_sr_url")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PreviewSrUrl { get; init; }
    /// SR only, once done: the result's signed link (Upres's addition; also the out_vid's url).
    [JsonPropertyName("sr_url")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SrUrl { get; init; }
}
