using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.KieAi;

/// What resultJson holds once a task succeeded.
public sealed record KieResult([property: JsonPropertyName("resultUrls")] IReadOnlyList<string> ResultUrls);
