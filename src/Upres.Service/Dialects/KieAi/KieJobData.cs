using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.KieAi;

/// What a kie.ai task remembers of its request: the model and the request body, which the unified
/// record echoes as `param`.
public sealed record KieJobData(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("param")] string Param);
