using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.HitPaw;

/// POST /api/v3/video-enhancer/export. resolution is [width, height].
public sealed record HitPawExportRequest(
    [property: JsonPropertyName("video_url")] string VideoUrl,
    [property: JsonPropertyName("extension")] string Extension,
    [property: JsonPropertyName("model_id")] int ModelId,
    [property: JsonPropertyName("resolution")] IReadOnlyList<int> Resolution,
    [property: JsonPropertyName("web_hook_url")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? WebHookUrl)
{
    public int Width => Resolution[0];
    public int Height => Resolution[1];
}
