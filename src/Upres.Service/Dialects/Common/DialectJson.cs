using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Upres.Service.Dialects;

/// Dialect bodies are written with their own options: the native API's snake_case policy and
/// null-dropping would rename camelCase vendor fields and drop the `"data": null` that vendor
/// envelopes carry. The records' attributes are the only naming source.
public static class DialectJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General);

    public static IResult Write<T>(int status, T body) => Results.Json(body, Options, contentType: "application/json", statusCode: status);

    public static string Serialize<T>(T body) => JsonSerializer.Serialize(body, Options);

    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);
}
