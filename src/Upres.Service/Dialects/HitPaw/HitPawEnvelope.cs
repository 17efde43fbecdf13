using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.HitPaw;

/// `{code, message, data}`: code 200 on success, a six-digit 5010xx code on errors.
public sealed record HitPawEnvelope<T>(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] T? Data);
