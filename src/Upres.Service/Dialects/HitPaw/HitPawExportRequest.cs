using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.HitPaw;

/// POST /api/v3/video-enhancer/export. resolution is [width, height]. A v3 client names the model
/// with model_name (and then sends original_resolution) instead of model_id; ModelId is the row
/// either one chose.
public sealed record HitPawExportRequest(
    [property: JsonPropertyName("video_url")] string VideoUrl,
    [property: JsonPropertyName("extension")] string Extension,
    [property: JsonPropertyName("model_id")] int ModelId,
    [property: JsonPropertyName("resolution")] IReadOnlyList<int> Resolution,
    [property: JsonPropertyName("web_hook_url")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? WebHookUrl)
{
    [JsonPropertyName("model_name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ModelName { get; init; }

    [JsonPropertyName("original_resolution")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<int>? OriginalResolution { get; init; }

    public int Width => Resolution[0];
    public int Height => Resolution[1];
}
