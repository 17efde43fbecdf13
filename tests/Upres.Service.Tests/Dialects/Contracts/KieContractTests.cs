using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Upres.Service.Dialects.KieAi;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests.Dialects.Contracts;

/// Every kie.ai example, field by field with its JSON type, against the page it comes from: the
/// seed document 003 (createTask), docs.kie.ai/market/common/get-task-detail (recordInfo, its
/// answers per HTTP status), docs.kie.ai/common-api/webhook-verification (the signature).
public sealed class KieContractTests() : DoorTestBase(runJobs: false)
{
    /// Seed 003, "响应示例".
    public const string CreateResponseExample = """{"code":200,"msg":"success","data":{"taskId":"task_topaz_1765185786549"}}""";

    /// docs.kie.ai/market/common/get-task-detail, the 200 example (costTime from its schema).
    public const string RecordInfoExample = """
        {"code":200,"msg":"success","data":{"taskId":"task_12345678","model":"grok-imagine/text-to-image","state":"success",
         "param":"{}","resultJson":"{\"resultUrls\":[\"https://example.com/x.jpg\"]}","failCode":"","failMsg":"",
         "costTime":15000,"completeTime":1698765432000,"createTime":1698765400000,"updateTime":1698765432000}}
        """;

    /// The same page's error answers: each under the HTTP status equal to its code.
    public const string ErrorExample = """{"code":422,"msg":"recordInfo is null","data":null}""";

    private Task<(HttpStatusCode Status, JsonObject Body)> CreateTask(string json, string? key = null) =>
        Server.SendAsync(HttpMethod.Post, "/api/v1/jobs/createTask", json, ("Authorization", $"Bearer {key ?? Key}"), ("Content-Type", "application/json"));

    private Task<(HttpStatusCode Status, JsonObject Body)> Get(string path, string? key = null) =>
        Server.SendAsync(HttpMethod.Get, path, null, ("Authorization", $"Bearer {key ?? Key}"));

    private string SeedBody() => KieDialectTests.DocumentExample
        .Replace("https://file.aiquickdraw.com/custom-page/akr/section-images/1758166466095hvbwkrpw.mp4", Site.Serve(Clips.Small(seconds: 1), "kie.mp4"), StringComparison.Ordinal);

    [Fact]
    public async Task The_seed_s_request_is_answered_with_exactly_the_seed_s_envelope_and_record_info_with_the_page_s_record()
    {
        var (status, created) = await CreateTask(SeedBody());
        Assert.Equal(HttpStatusCode.OK, status);
        DocShape.Matches(CreateResponseExample, created, exact: true);

        var taskId = (string)created["data"]!["taskId"]!;
        var (rs, record) = await Get($"/api/v1/jobs/recordInfo?taskId={taskId}");
        Assert.Equal(HttpStatusCode.OK, rs);
        DocShape.Matches(RecordInfoExample, record, optional: ["$.data.costTime", "$.data.completeTime"]);
        Assert.Equal("waiting", (string)record["data"]!["state"]!);
        Assert.Equal("topaz/video-upscale", (string)record["data"]!["model"]!);
        Assert.Equal("2", (string)JsonNode.Parse((string)record["data"]!["param"]!)!["input"]!["upscale_factor"]!);
    }

    [Fact]
    public async Task Record_info_errors_are_the_page_s_answers_word_for_word()
    {
        await Expect(400, "taskId parameter is required", Get("/api/v1/jobs/recordInfo"));
        await Expect(422, "recordInfo is null", Get("/api/v1/jobs/recordInfo?taskId=task_topaz_job_0000"));
        await Expect(422, "recordInfo is null", Get("/api/v1/jobs/recordInfo?taskId=somebody-elses"));
        await Expect(401, "Unauthorized", Get("/api/v1/jobs/recordInfo?taskId=x", "wrong"));
        DocShape.Matches(ErrorExample, (await Get("/api/v1/jobs/recordInfo?taskId=x")).Body, exact: true);
    }

    [Fact]
    public async Task Every_error_under_api_v1_is_kie_s_envelope()
    {
        await Expect(404, null, Get("/api/v1/nothing"));
        await Expect(404, null, Get("/api/v1/jobs/nothing"));
        await Expect(404, null, Get("/api/v1/jobs/createTask"));
        await Expect(422, null, CreateTask("{\"model\":\"topaz/video-upscale\",\"input\":{\"video_url\":\"" + new string('a', 70_000) + "\"}}"));
        await Expect(422, null, CreateTask("""{"model":"topaz/video-upscale","input":{"video_url":"https://a/b.mp4","upscale_factor":"3"}}"""));

        await using var limited = await UpresTestServer.StartAsync(new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0", ["UPRES_RATE_LIMIT_PER_MINUTE"] = "1", ["UPRES_AUTH_FAILURES_PER_MINUTE"] = "1" });
        await limited.SendAsync(HttpMethod.Get, "/api/v1/jobs/recordInfo?taskId=x", null, ("Authorization", "Bearer k"));
        await Expect(429, "Rate limit exceeded", limited.SendAsync(HttpMethod.Get, "/api/v1/jobs/recordInfo?taskId=x", null, ("Authorization", "Bearer k")));

        await using var broken = await UpresTestServer.StartAsync(
            new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0", ["UPRES_FETCH_ALLOW"] = "127.0.0.1:*", ["UPRES_WEBHOOK_ALLOW"] = "127.0.0.1:*" },
            builder => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Upres.Service.Jobs.IJobStore, BrokenJobStore>(builder.Services));
        var (_, _, key) = await broken.CreateAccountAsync();
        await Expect(500, "Server Error - An unexpected error occurred while processing the request",
            broken.SendAsync(HttpMethod.Post, "/api/v1/jobs/createTask", SeedBody(), ("Authorization", $"Bearer {key}"), ("Content-Type", "application/json")));
    }

    [Fact]
    public async Task The_webhook_hmac_key_is_the_account_s_own_readable_and_rotatable()
    {
        var (_, native, _) = await Server.CreateAccountAsync();
        var (_, other, _) = await Server.CreateAccountAsync();
        string Key(JsonObject o) => (string)o["webhook_hmac_key"]!;

        var first = Key((await native.GetFromJsonAsync<JsonObject>("/v1/account/webhook-hmac-key"))!);
        Assert.Equal(first, Key((await native.GetFromJsonAsync<JsonObject>("/v1/account/webhook-hmac-key"))!));
        Assert.NotEqual(first, Key((await other.GetFromJsonAsync<JsonObject>("/v1/account/webhook-hmac-key"))!));
        var rotated = Key(await (await native.PostAsync("/v1/account/webhook-hmac-key/rotate", null)).ReadObjectAsync());
        Assert.NotEqual(first, rotated);
        Assert.Equal(rotated, Key((await native.GetFromJsonAsync<JsonObject>("/v1/account/webhook-hmac-key"))!));
        Assert.True(rotated.Length >= 40);
        using var anonymous = Server.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/account/webhook-hmac-key")).StatusCode);
    }

    [Fact]
    public void The_signature_is_the_page_s_base64_of_hmac_sha256_over_task_id_dot_timestamp()
    {
        // The page's rule, written out independently of the signer.
        const string key = "my-webhook-hmac-key";
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(key));
        var expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes("task_topaz_job_1" + "." + "1700000000")));
        Assert.Equal(expected, KieCallbackSigner.Sign("task_topaz_job_1", "1700000000", key));
        Assert.NotEqual(expected, KieCallbackSigner.Sign("task_topaz_job_1", "1700000001", key));
    }

    private static async Task Expect(int code, string? msg, Task<(HttpStatusCode Status, JsonObject Body)> call)
    {
        var (status, body) = await call;
        Assert.Equal(code, (int)status);
        Assert.Equal(code, (int)body["code"]!);
        Assert.Equal(["code", "msg", "data"], body.Select(p => p.Key).ToArray());
        Assert.Null(body["data"]);
        Assert.False(string.IsNullOrWhiteSpace((string)body["msg"]!));
        if (msg is not null)
        {
            Assert.Equal(msg, (string)body["msg"]!);
        }
    }
}
