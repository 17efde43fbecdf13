using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.KieAi;

public sealed record KieTaskId([property: JsonPropertyName("taskId")] string TaskId);
