using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Upres.Service.Jobs;

namespace Upres.Service.Hosting;

/// The native API's JSON (snake_case, nulls left out, enums as snake_case strings), applied to the
/// options ASP.NET Core writes responses with and to Options (the native webhooks). The
/// hottest response types are generated at build time (ApiJsonContext), so the first requests after a
/// start do not build serializers by reflection; any other type falls back to reflection.
public static class ApiJson
{
    /// The same options outside a request (the native webhooks' `data`).
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        Configure(options);
        options.MakeReadOnly();
        return options;
    }

    public static void Configure(JsonSerializerOptions options)
    {
        // ASP.NET Core's own default, spelled out so Options writes what a response does.
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
    }
}

// The generated metadata takes the naming and the enum converter from the options it is used with
// (ApiJson.Configure's); the attribute only repeats the naming. No fast path is generated for these
// types either way (JobView carries a JsonNode and enums with a converter).
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JobView))]
[JsonSerializable(typeof(JobsApi.JobPage))]
[JsonSerializable(typeof(JobsApi.EstimateView))]
[JsonSerializable(typeof(JobsApi.ModelsView))]
[JsonSerializable(typeof(IReadOnlyList<JobsApi.WebhookMessageView>))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
