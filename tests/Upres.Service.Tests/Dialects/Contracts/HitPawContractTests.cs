using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Upres.Service.Dialects.HitPaw;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests.Dialects.Contracts;

/// Every HitPaw example, field by field with its JSON type, against the page it comes from: the
/// seed document 004 (www.hitpaw.com/video-enhancer-api-doc.html) and the v3 page that adds
/// model_name and original_resolution (www.hitp.org/video-enhancer-api-doc.html, a copy of
/// HitPaw's page).
public sealed class HitPawContractTests() : DoorTestBase(runJobs: false)
{
    /// Seed 004, "Successful Response (HTTP 200)".
    public const string ExportResponseExample = """{"code":200,"message":"Success","data":{"job_id":"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"}}""";

    /// Seed 004, "Webhook Request Format".
    public const string WebhookExample = """{"job_id":"x","status":"COMPLETED","res_url":"https://example.com/enhanced-video.mp4"}""";

    /// Seed 004's task answer ("identical to the webhook" inside the envelope), with original_url.
    public const string TaskAnswerExample = """{"code":200,"message":"OK","data":{"job_id":"x","status":"CONVERTING","res_url":"","original_url":"https://example.com/video.mp4"}}""";

    /// Seed 004, "Error Responses".
    public const string ErrorExample = """{"code":501001,"message":"The ApiKey is not valid","data":null}""";

    /// The v3 page's second request example.
    public const string ModelNameExample = """
        {"video_url":"https://example.com/video.mp4","extension":".mp4","model_name":"general-denoise-quality",
         "resolution":[1920,1080],"original_resolution":[1280,720]}
        """;

    private Task<(HttpStatusCode Status, JsonObject Body)> Post(string path, string json, string? key = null) =>
        Server.SendAsync(HttpMethod.Post, path, json, ("Content-Type", "application/json"), ("ApiKey", key ?? Key));

    [Fact]
    public async Task Both_documented_request_forms_are_answered_with_the_seed_s_envelope_and_the_task_with_original_url()
    {
        var url = Site.Serve(Clips.Small(seconds: 1, width: 256, height: 144, fps: 10), "hp.mp4");
        var seed = HitPawDialectTests.DocumentExample.Replace("https://example.com/video.mp4", url, StringComparison.Ordinal)
            .Replace("\"web_hook_url\": \"https://your-server.com/webhook\"", "\"web_hook_url\": \"https://127.0.0.1:9/hook\"", StringComparison.Ordinal);
        var v3 = ModelNameExample.Replace("https://example.com/video.mp4", url, StringComparison.Ordinal);

        foreach (var body in new[] { seed, v3 })
        {
            var (status, export) = await Post("/api/v3/video-enhancer/export", body);
            Assert.Equal(HttpStatusCode.OK, status);
            DocShape.Matches(ExportResponseExample, export, exact: true);

            var (ts, task) = await Post("/api/v3/video-enhancer-api/task", $$"""{"job_id":"{{(string)export["data"]!["job_id"]!}}"}""");
            Assert.Equal(HttpStatusCode.OK, ts);
            DocShape.Matches(TaskAnswerExample, task, exact: true);
            Assert.Equal(url, (string)task["data"]!["original_url"]!);
            Assert.Equal("WAITING", (string)task["data"]!["status"]!);
        }

        var v = HitPawDialect.Validate(ModelNameExample);
        Assert.True(v.IsValid);
        Assert.Equal(20, v.Value.ModelId);
        Assert.Equal([1280, 720], v.Value.OriginalResolution);
    }

    [Fact]
    public void The_webhook_body_is_exactly_the_seed_s_three_fields() =>
        DocShape.Matches(WebhookExample, JsonNode.Parse(JsonSerializer.Serialize(new HitPawJobStatus("j", "COMPLETED", "https://h/r.mp4"))), exact: true);

    [Theory]
    [InlineData("MP4")]
    [InlineData("AVI")]
    [InlineData("MOV")]
    [InlineData("MKV")]
    [InlineData("WebM")]
    [InlineData(".avi")]
    public void Every_listed_format_is_an_output_extension(string extension)
    {
        var v = HitPawDialect.Validate(HitPawDialectTests.DocumentExample.Replace("\".mp4\"", $"\"{extension}\"", StringComparison.Ordinal));
        Assert.True(v.IsValid, v.Problem?.Message);
        Assert.Equal("." + extension.TrimStart('.').ToLowerInvariant(), HitPawDialect.ToSpec(v.Value).ToJobSpec().FileExtension);
    }

    [Theory]
    [InlineData("""{"video_url":"https://a/b.mp4","model_name":"general-denoise-quality","resolution":[1920,1080]}""", 501003)]
    [InlineData("""{"video_url":"https://a/b.mp4","model_id":20,"model_name":"general-denoise-quality","resolution":[1920,1080],"original_resolution":[1280,720]}""", 501003)]
    [InlineData("""{"video_url":"https://a/b.mp4","model_name":"sharpest","resolution":[1920,1080],"original_resolution":[1280,720]}""", 501004)]
    [InlineData("""{"video_url":"https://a/b.mp4","model_name":"general-denoise-quality","resolution":[1920,1080],"original_resolution":[1280]}""", 501003)]
    public void The_v3_page_s_rules_for_model_name_are_enforced(string body, int code)
    {
        var v = HitPawDialect.Validate(body);
        Assert.False(v.IsValid);
        Assert.Equal(code, HitPawDialect.Error(v.Problem).Body.Code);
    }

    [Fact]
    public async Task Errors_keep_the_documented_message_and_put_the_reason_in_detail()
    {
        var (_, _, poor) = await Server.CreateAccountAsync(credits: 0);
        var url = Site.Serve(Clips.Small(seconds: 1), "small.mp4");
        var body = $$"""{"video_url":"{{url}}","model_id":17,"resolution":[640,360]}""";

        var unauthorized = await Post("/api/v3/video-enhancer/export", body, "wrong");
        DocShape.Matches(ErrorExample, unauthorized.Body, exact: true);
        Assert.Equal("The ApiKey is not valid", (string)unauthorized.Body["message"]!);
        Expect(HttpStatusCode.PaymentRequired, 501002, "The coins for this APIKEY is not enough", await Post("/api/v3/video-enhancer/export", body, poor));
        var unreachable = await Post("/api/v3/video-enhancer/export", $$"""{"video_url":"{{Site.Missing()}}","model_id":17,"resolution":[640,360]}""");
        Expect(HttpStatusCode.BadRequest, 501016, "The video url is not valid", unreachable);
        Assert.False(string.IsNullOrWhiteSpace((string)unreachable.Body["detail"]!));
        Expect(HttpStatusCode.NotFound, 501005, "The job_id is not found", await Post("/api/v3/video-enhancer-api/task", """{"job_id":"job_none"}"""));
        Expect(HttpStatusCode.NotFound, 501008, "The API endpoint is not found", await Post("/api/v3/nothing", "{}"));
        Expect(HttpStatusCode.MethodNotAllowed, 501008, "The API endpoint is not found",
            await Server.SendAsync(HttpMethod.Get, "/api/v3/video-enhancer/export", null, ("ApiKey", Key)));

        await using var limited = await UpresTestServer.StartAsync(new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0", ["UPRES_RATE_LIMIT_PER_MINUTE"] = "1", ["UPRES_AUTH_FAILURES_PER_MINUTE"] = "1" });
        await limited.SendAsync(HttpMethod.Post, "/api/v3/video-enhancer-api/task", "{}", ("ApiKey", "k"));
        Expect(HttpStatusCode.TooManyRequests, 501006, "Too many requests", await limited.SendAsync(HttpMethod.Post, "/api/v3/video-enhancer-api/task", "{}", ("ApiKey", "k")));

        await using var broken = await UpresTestServer.StartAsync(
            new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0", ["UPRES_FETCH_ALLOW"] = "127.0.0.1:*", ["UPRES_WEBHOOK_ALLOW"] = "127.0.0.1:*" },
            builder => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Upres.Service.Jobs.IJobStore, BrokenJobStore>(builder.Services));
        var (_, _, key) = await broken.CreateAccountAsync();
        Expect(HttpStatusCode.InternalServerError, 501007, "Internal error",
            await broken.SendAsync(HttpMethod.Post, "/api/v3/video-enhancer/export", body, ("Content-Type", "application/json"), ("ApiKey", key)));
    }

    private static void Expect(HttpStatusCode status, int code, string message, (HttpStatusCode Status, JsonObject Body) answer)
    {
        Assert.Equal(status, answer.Status);
        Assert.Equal(code, (int)answer.Body["code"]!);
        Assert.Equal(message, (string)answer.Body["message"]!);
        Assert.True(answer.Body.ContainsKey("data"));
        Assert.Null(answer.Body["data"]);
    }
}
