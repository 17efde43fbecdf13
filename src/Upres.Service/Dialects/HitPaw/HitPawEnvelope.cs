using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.HitPaw;

/// `{code, message, data}`: code 200 on success, a six-digit 5010xx code on errors. An error's
/// message is always the code's fixed text; what exactly went wrong is in `detail` (Upres's
/// addition), so clients that compare messages keep working.
public sealed record HitPawEnvelope<T>(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] T? Data)
{
    [JsonPropertyName("detail")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Detail { get; init; }
}
