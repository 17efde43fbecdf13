using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.KieAi;

/// The `data` of GET /api/v1/jobs/recordInfo?taskId=... and of the callBackUrl POST (kie.ai's
/// unified task record). param and resultJson are JSON documents carried as strings; times are
/// Unix milliseconds.
public record KieRecordInfo
{
    [JsonPropertyName("taskId")] public required string TaskId { get; init; }
    [JsonPropertyName("model")] public required string Model { get; init; }
    /// waiting / queuing / generating / success / fail
    [JsonPropertyName("state")] public required string State { get; init; }
    [JsonPropertyName("param")] public required string Param { get; init; }
    /// `{"resultUrls":["..."]}` on success, "" otherwise.
    [JsonPropertyName("resultJson")] public string ResultJson { get; init; } = "";
    [JsonPropertyName("failCode")] public string FailCode { get; init; } = "";
    [JsonPropertyName("failMsg")] public string FailMsg { get; init; } = "";
    /// Processing time in milliseconds once finished.
    [JsonPropertyName("costTime")] public long? CostTime { get; init; }
    [JsonPropertyName("completeTime")] public long? CompleteTime { get; init; }
    [JsonPropertyName("createTime")] public required long CreateTime { get; init; }
    [JsonPropertyName("updateTime")] public long? UpdateTime { get; init; }
    /// 0..100; Upres's addition, ignored by clients that do not know it.
    [JsonPropertyName("progress")] public int Progress { get; init; }
}
