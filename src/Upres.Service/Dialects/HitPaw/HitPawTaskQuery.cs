using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.HitPaw;

/// POST /api/v3/video-enhancer-api/task
public sealed record HitPawTaskQuery([property: JsonPropertyName("job_id")] string JobId);
