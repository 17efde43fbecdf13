using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.Kokoon;

/// in_vid is the request's vid, or the new trimmed original when use_trim_orig was set.
public sealed record KokoonTaskResponse(
    [property: JsonPropertyName("tid")] string Tid,
    [property: JsonPropertyName("in_vid")] string InVid,
    [property: JsonPropertyName("out_vid")] string OutVid);
