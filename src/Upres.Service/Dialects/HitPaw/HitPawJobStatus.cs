using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.HitPaw;

/// The web_hook_url body, exactly the document's three fields. res_url is "" until the job has
/// completed.
public sealed record HitPawJobStatus(
    [property: JsonPropertyName("job_id")] string JobId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("res_url")] string ResUrl);
