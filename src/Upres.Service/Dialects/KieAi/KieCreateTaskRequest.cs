using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.KieAi;

/// POST /api/v1/jobs/createTask
public sealed record KieCreateTaskRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("callBackUrl")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? CallBackUrl,
    [property: JsonPropertyName("input")] KieInput Input);
