using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.HitPaw;

/// What a HitPaw job remembers of its request, including which classical filter (models 3 and 15)
/// was applied to its input.
public sealed record HitPawJobData(
    [property: JsonPropertyName("model_id")] int ModelId,
    [property: JsonPropertyName("filter")] string Filter);
