using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.Kokoon;

/// One row of the task list (kokoon's "Get all task list" page).
public sealed record KokoonTaskSummary(
    [property: JsonPropertyName("tid")] string Tid,
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("in_vid")] string InVid,
    [property: JsonPropertyName("out_vid")] string OutVid,
    [property: JsonPropertyName("task_type")] string TaskType,
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("filename")] string Filename,
    [property: JsonPropertyName("request_time")] string RequestTime,
    [property: JsonPropertyName("start_time")] string? StartTime,
    [property: JsonPropertyName("finish_time")] string? FinishTime,
    [property: JsonPropertyName("nb_frames")] string NbFrames,
    [property: JsonPropertyName("sr_nb_frames")] string SrNbFrames,
    [property: JsonPropertyName("progress")] string Progress);
