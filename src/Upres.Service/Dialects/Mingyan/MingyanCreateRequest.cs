using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.Mingyan;

/// POST /kyyReactApiServer/v1/super-resolution/videos
public sealed record MingyanCreateRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("videoUrl")] string VideoUrl);
