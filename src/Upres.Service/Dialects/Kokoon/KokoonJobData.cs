using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.Kokoon;

/// What a kokoon task remembers of its request (JobRecord.DialectData).
public sealed record KokoonJobData(
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("task_type")] string TaskType,
    [property: JsonPropertyName("in_vid")] string InVid,
    [property: JsonPropertyName("filename")] string? Filename);
