using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.HitPaw;

public sealed record HitPawJobId([property: JsonPropertyName("job_id")] string JobId);
