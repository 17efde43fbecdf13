using System.Net;
using System.Text.Json.Nodes;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests.Dialects.Contracts;

/// Every mingyan example, field by field with its JSON type, against the pages they come from:
/// docs.mingyanai.com/en/api-reference/tools/super-resolution/super-resolution-create (seed 000)
/// and .../super-resolution-query (seed 001). The pages show no error body; Upres's designed one is
/// `{error, code}` (docs/dialects.md).
public sealed class MingyanContractTests() : DoorTestBase(runJobs: false)
{
    /// The create page's "Response Parameters" (error only when failed).
    public const string CreateResponseExample = """{"id":"i","object":"video","created":1700000000,"model":"superResolution-1080p-lowfps","status":"queued"}""";

    /// The query page's "Response Parameters" for a task not yet completed.
    public const string ResultExample = """{"id":"i","object":"video","created":1700000000,"status":"queued"}""";

    public const string ErrorExample = """{"error":"e","code":"c"}""";

    private Task<(HttpStatusCode Status, JsonObject Body)> Send(HttpMethod method, string path, string? json = null, string? key = null) =>
        Server.SendAsync(method, path, json, ("Authorization", $"Bearer {key ?? Key}"), ("Content-Type", "application/json"));

    [Fact]
    public async Task Create_and_query_answer_exactly_the_page_s_fields_and_types()
    {
        var url = Site.Serve(Clips.Small(seconds: 1), "m.mp4");
        var (status, created) = await Send(HttpMethod.Post, "/kyyReactApiServer/v1/super-resolution/videos",
            $$"""{"model":"superResolution-1080p-lowfps","videoUrl":"{{url}}"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        DocShape.Matches(CreateResponseExample, created, exact: true);

        var (rs, result) = await Send(HttpMethod.Get, $"/kyyReactApiServer/v1/result/{(string)created["id"]!}");
        Assert.Equal(HttpStatusCode.OK, rs);
        DocShape.Matches(ResultExample, result, exact: true);
    }

    [Fact]
    public async Task Every_error_under_the_base_url_is_mingyan_s_error_object()
    {
        await Expect(HttpStatusCode.Unauthorized, "invalid_api_key", Send(HttpMethod.Get, "/kyyReactApiServer/v1/result/x", key: "wrong"));
        await Expect(HttpStatusCode.NotFound, "task_not_found", Send(HttpMethod.Get, "/kyyReactApiServer/v1/result/job_none"));
        await Expect(HttpStatusCode.NotFound, "not_found", Send(HttpMethod.Get, "/kyyReactApiServer/v2/anything"));
        await Expect(HttpStatusCode.MethodNotAllowed, "method_not_allowed", Send(HttpMethod.Delete, "/kyyReactApiServer/v1/result/x"));
        await Expect(HttpStatusCode.RequestEntityTooLarge, "payload_too_large",
            Send(HttpMethod.Post, "/kyyReactApiServer/v1/super-resolution/videos", "{\"x\":\"" + new string('a', 70_000) + "\"}"));

        await using var limited = await UpresTestServer.StartAsync(new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0", ["UPRES_RATE_LIMIT_PER_MINUTE"] = "1", ["UPRES_AUTH_FAILURES_PER_MINUTE"] = "1" });
        await limited.SendAsync(HttpMethod.Get, "/kyyReactApiServer/v1/result/x", null, ("Authorization", "Bearer k"));
        await Expect(HttpStatusCode.TooManyRequests, "rate_limit_exceeded", limited.SendAsync(HttpMethod.Get, "/kyyReactApiServer/v1/result/x", null, ("Authorization", "Bearer k")));

        await using var broken = await UpresTestServer.StartAsync(
            new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0", ["UPRES_FETCH_ALLOW"] = "127.0.0.1:*", ["UPRES_WEBHOOK_ALLOW"] = "127.0.0.1:*" },
            builder => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Upres.Service.Jobs.IJobStore, BrokenJobStore>(builder.Services));
        var (_, _, key) = await broken.CreateAccountAsync();
        await Expect(HttpStatusCode.InternalServerError, "internal_error", broken.SendAsync(HttpMethod.Post, "/kyyReactApiServer/v1/super-resolution/videos",
            $$"""{"model":"superResolution-1080p-lowfps","videoUrl":"{{Site.Serve(Clips.Small(seconds: 1), "m2.mp4")}}"}""", ("Authorization", $"Bearer {key}")));
    }

    private static async Task Expect(HttpStatusCode status, string code, Task<(HttpStatusCode Status, JsonObject Body)> call)
    {
        var (s, body) = await call;
        Assert.Equal(status, s);
        DocShape.Matches(ErrorExample, body, exact: true);
        Assert.Equal(code, (string)body["code"]!);
    }
}
