using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.KieAi;

/// The callback's `data`: the unified task record, plus `task_id`, the same id under the name
/// kie.ai's own verification sample reads (`req.body.data.task_id`), so a receiver written either
/// way finds the id it signs with.
public sealed record KieCallbackRecord : KieRecordInfo
{
    [SetsRequiredMembers]
    public KieCallbackRecord(KieRecordInfo record)
        : base(record)
    {
    }

    [JsonPropertyName("task_id")] public string TaskIdAlias => TaskId;
}
