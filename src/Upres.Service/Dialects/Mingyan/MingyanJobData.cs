using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.Mingyan;

/// What a mingyan job remembers of its request (JobRecord.DialectData).
public sealed record MingyanJobData([property: JsonPropertyName("model")] string Model);
