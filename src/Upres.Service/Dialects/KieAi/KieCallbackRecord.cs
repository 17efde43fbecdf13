using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.KieAi;

/// The callback's `data`: the unified task record, plus `task_id`, the same id under the name
/// kie.ai's own verification sample reads (`req.body.data.task_id`), so a receiver written either
/// way finds the id it signs with.
public sealed record KieCallbackRecord
{
    [JsonPropertyName("task_id")] public required string TaskIdAlias { get; init; }

    [JsonPropertyName("taskId")] public required string TaskId { get; init; }
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("state")] public required string State { get; init; }
    [JsonPropertyName("param")] public required string Param { get; init; }
    [JsonPropertyName("resultJson")] public string ResultJson { get; init; } = "";
    [JsonPropertyName("failCode")] public string FailCode { get; init; } = "";
    [JsonPropertyName("failMsg")] public string FailMsg { get; init; } = "";
    [JsonPropertyName("costTime")] public long? CostTime { get; init; }
    [JsonPropertyName("completeTime")] public long? CompleteTime { get; init; }
    [JsonPropertyName("createTime")] public required long CreateTime { get; init; }
    [JsonPropertyName("updateTime")] public long? UpdateTime { get; init; }
    [JsonPropertyName("progress")] public int Progress { get; init; }

    public static KieCallbackRecord From(KieRecordInfo r) => new()
    {
        TaskIdAlias = r.TaskId,
        TaskId = r.TaskId,
        Model = r.Model,
        State = r.State,
        Param = r.Param,
        ResultJson = r.ResultJson,
        FailCode = r.FailCode,
        FailMsg = r.FailMsg,
        CostTime = r.CostTime,
        CompleteTime = r.CompleteTime,
        CreateTime = r.CreateTime,
        UpdateTime = r.UpdateTime,
        Progress = r.Progress,
    };
}
