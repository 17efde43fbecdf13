using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.KieAi;

/// upscale_factor is an enum of strings: "1", "2" (default) or "4".
public sealed record KieInput(
    [property: JsonPropertyName("video_url")] string VideoUrl,
    [property: JsonPropertyName("upscale_factor")] string UpscaleFactor);
