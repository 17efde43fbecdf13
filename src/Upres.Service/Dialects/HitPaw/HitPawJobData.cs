using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.HitPaw;

/// What a HitPaw job remembers of its request. The classical filter (models 3 and 15) is kept here
/// until the engine has a field for it.
public sealed record HitPawJobData(
    [property: JsonPropertyName("model_id")] int ModelId,
    [property: JsonPropertyName("filter")] string Filter);
