using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.Kokoon;

public sealed record KokoonOption(
    [property: JsonPropertyName("face_enhance")] bool FaceEnhance,
    [property: JsonPropertyName("denoise")] bool Denoise,
    [property: JsonPropertyName("deinterlace")] bool Deinterlace,
    [property: JsonPropertyName("add_noise")] bool AddNoise);
