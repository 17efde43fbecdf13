using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.Mingyan;

/// The task object of both the create answer and GET /kyyReactApiServer/v1/result/{id}.
/// Fields the document returns only in some states are left out when empty.
public sealed record MingyanTask
{
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("object")] public string ObjectType { get; init; } = "video";

    /// Unix seconds.
    [JsonPropertyName("created")] public required long Created { get; init; }

    [JsonPropertyName("model")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Model { get; init; }

    [JsonPropertyName("status")] public required string Status { get; init; }

    [JsonPropertyName("video_url")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? VideoUrl { get; init; }

    /// Seconds of the result video, measured on the output file.
    [JsonPropertyName("actualDuration")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ActualDuration { get; init; }

    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }
}
