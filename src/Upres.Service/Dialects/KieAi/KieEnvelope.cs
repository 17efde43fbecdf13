using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.KieAi;

/// Every kie.ai answer and callback: `{code, msg, data}`; code repeats the HTTP status.
public sealed record KieEnvelope<T>(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("data")] T? Data);
