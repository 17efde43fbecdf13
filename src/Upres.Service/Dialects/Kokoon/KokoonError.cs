using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.Kokoon;

/// The documented error body: `{"message": "insufficient credit"}`.
public sealed record KokoonError([property: JsonPropertyName("message")] string Message);
