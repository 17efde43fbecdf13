using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.HitPaw;

/// The `data` of the task query: the webhook's three fields ("identical to the webhook") plus
/// original_url, the video_url the job was made from, as HitPaw's v3 pages return it.
public sealed record HitPawTaskData(
    [property: JsonPropertyName("job_id")] string JobId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("res_url")] string ResUrl,
    [property: JsonPropertyName("original_url")] string OriginalUrl);
