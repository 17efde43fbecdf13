using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.HitPaw;

/// What a HitPaw job remembers of its request, including which classical filter (models 3 and 15)
/// was applied to its input.
public sealed record HitPawJobData(
    [property: JsonPropertyName("model_id")] int ModelId,
    [property: JsonPropertyName("filter")] string Filter)
{
    /// The request's video_url, returned as original_url.
    [JsonPropertyName("video_url")]
    public string? VideoUrl { get; init; }

    [JsonPropertyName("model_name")]
    public string? ModelName { get; init; }
}
