using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.Mingyan;

/// The document does not show an HTTP error body; Upres answers a bare object whose `error` is a
/// string, as in the task object, plus a stable code for programs.
public sealed record MingyanError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("code")] string Code);
