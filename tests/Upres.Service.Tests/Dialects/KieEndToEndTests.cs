using System.Net;
using System.Text.Json.Nodes;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests.Dialects;

/// kie.ai's documented flow against a real server: createTask with callBackUrl, the callback, the
/// unified recordInfo query, and the result from resultJson.
[Collection("processing")]
public sealed class KieEndToEndTests() : DoorTestBase(runJobs: true)
{
    private Task<(HttpStatusCode Status, JsonObject Body)> CreateTask(string key, string json) =>
        Server.SendAsync(HttpMethod.Post, "/api/v1/jobs/createTask", json, ("Authorization", $"Bearer {key}"), ("Content-Type", "application/json"));

    private Task<(HttpStatusCode Status, JsonObject Body)> RecordInfo(string key, string taskId) =>
        Server.SendAsync(HttpMethod.Get, $"/api/v1/jobs/recordInfo?taskId={Uri.EscapeDataString(taskId)}", null, ("Authorization", $"Bearer {key}"));

    /// The document's --data with only the hosts changed.
    private static string DocumentBody(string videoUrl, string callbackUrl) =>
        KieDialectTests.DocumentExample
            .Replace("https://file.aiquickdraw.com/custom-page/akr/section-images/1758166466095hvbwkrpw.mp4", videoUrl, StringComparison.Ordinal)
            .Replace("https://your-domain.com/api/callback", callbackUrl, StringComparison.Ordinal);

    [Fact]
    public async Task The_document_s_request_is_upscaled_2x_and_reported_by_callback_and_record_info()
    {
        var (_, native, key) = await Server.CreateAccountAsync(credits: 100);
        var videoUrl = Site.Serve(Clips.Small(seconds: 1, width: 160, height: 128, fps: 10), "kie.mp4");

        var (status, created) = await CreateTask(key, DocumentBody(videoUrl, Receiver.Url("/api/callback")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(200, (int)created["code"]!);
        Assert.Equal("success", (string)created["msg"]!);
        var taskId = (string)created["data"]!["taskId"]!;
        Assert.StartsWith("task_topaz_", taskId, StringComparison.Ordinal);

        var hook = Assert.Single(await Receiver.WaitForAsync(1, TimeSpan.FromSeconds(300)));
        Assert.Equal("/api/callback", hook.Path);
        Assert.False(string.IsNullOrEmpty(hook.Signature));
        var callback = JsonNode.Parse(hook.Body)!.AsObject();
        Assert.Equal(200, (int)callback["code"]!);
        var data = callback["data"]!;
        Assert.Equal(taskId, (string)data["taskId"]!);

        // A receiver written from kie.ai's verification sample: the task id from body.data.task_id,
        // X-Webhook-Timestamp in seconds, base64(HMAC-SHA256(taskId + "." + timestamp, webhookHmacKey)),
        // compared in constant time.
        var hmacKey = (string)(await (await native.GetAsync("/v1/account/webhook-hmac-key")).ReadObjectAsync())["webhook_hmac_key"]!;
        var timestamp = hook.Headers["x-webhook-timestamp"];
        var received = hook.Headers["x-webhook-signature"];
        Assert.Equal(taskId, (string)data["task_id"]!);
        Assert.InRange(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        using (var hmac = new System.Security.Cryptography.HMACSHA256(System.Text.Encoding.UTF8.GetBytes(hmacKey)))
        {
            var computed = Convert.ToBase64String(hmac.ComputeHash(System.Text.Encoding.UTF8.GetBytes($"{(string)data["task_id"]!}.{timestamp}")));
            Assert.True(System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(computed), System.Text.Encoding.UTF8.GetBytes(received)));
        }

        // The callback body is the page's record inside kie.ai's envelope.
        Contracts.DocShape.Matches(Contracts.KieContractTests.RecordInfoExample, callback);
        Assert.Equal("topaz/video-upscale", (string)data["model"]!);
        Assert.Equal("success", (string)data["state"]!);
        Assert.Equal("2", (string)JsonNode.Parse((string)data["param"]!)!["input"]!["upscale_factor"]!);
        var result = JsonNode.Parse((string)data["resultJson"]!)!;
        var url = (string)result["resultUrls"]![0]!;

        var probe = await Server.DownloadAndProbeAsync(url);
        Assert.Equal((320, 256), (probe.Width, probe.Height));
        Assert.InRange(probe.Fps, 9.9, 10.1);
        Assert.InRange(probe.Duration, 0.9, 1.15);
        Assert.True(probe.Audio);

        var (qs, record) = await RecordInfo(key, taskId);
        Assert.Equal(HttpStatusCode.OK, qs);
        Assert.Equal(200, (int)record["code"]!);
        Assert.Equal("success", (string)record["data"]!["state"]!);
        Assert.Equal("", (string)record["data"]!["failMsg"]!);
        Assert.True((long)record["data"]!["completeTime"]! >= (long)record["data"]!["createTime"]!);

        // 1 s at 320x256 and 10 fps: the table's 720p30 rate, 1 credit.
        Assert.Equal(99, await native.BalanceAsync());
    }

    [Theory]
    [InlineData("1", 160, 128)]
    [InlineData("4", 640, 512)]
    public async Task Upscale_factors_1_and_4_give_the_same_and_four_times_the_size(string factor, int width, int height)
    {
        var (_, _, key) = await Server.CreateAccountAsync(credits: 100);
        var videoUrl = Site.Serve(Clips.Small(seconds: 0.5, width: 160, height: 128, fps: 10), "kie-half.mp4");
        var body = $$$"""{"model":"topaz/video-upscale","input":{"video_url":"{{{videoUrl}}}","upscale_factor":"{{{factor}}}"}}""";

        var (_, created) = await CreateTask(key, body);
        var taskId = (string)created["data"]!["taskId"]!;
        JsonObject record;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(300);
        do
        {
            await Task.Delay(200);
            record = (await RecordInfo(key, taskId)).Body;
            Assert.Contains((string)record["data"]!["state"]!, new[] { "waiting", "queuing", "generating", "success", "fail" });
        }
        while ((string)record["data"]!["state"]! is "waiting" or "queuing" or "generating" && DateTimeOffset.UtcNow < deadline);

        Assert.Equal("success", (string)record["data"]!["state"]!);
        var url = (string)JsonNode.Parse((string)record["data"]!["resultJson"]!)!["resultUrls"]![0]!;
        var probe = await Server.DownloadAndProbeAsync(url);
        Assert.Equal((width, height), (probe.Width, probe.Height));
    }

    [Fact]
    public async Task Refusals_use_the_code_msg_data_envelope_with_the_same_http_status()
    {
        var (_, _, key) = await Server.CreateAccountAsync(credits: 100);
        var (_, _, poorKey) = await Server.CreateAccountAsync(credits: 0);
        var url = Site.Serve(Clips.Small(seconds: 1), "small.mp4");
        var good = $$$"""{"model":"topaz/video-upscale","input":{"video_url":"{{{url}}}"}}""";
        var big = Path.Combine(Server.DataDirectory, "big.mp4");
        await File.WriteAllBytesAsync(big, new byte[(10 * 1024 * 1024) + 1]);
        var avi = Clips.Make("small.avi", ["-f", "lavfi", "-i", "testsrc2=size=160x128:rate=10", "-t", "1", "-c:v", "mpeg4"]);

        Expect(401, await CreateTask("bad", good));
        Expect(402, await CreateTask(poorKey, good));
        Expect(422, await CreateTask(key, good.Replace("topaz/video-upscale", "topaz/image-upscale", StringComparison.Ordinal)));
        Expect(422, await CreateTask(key, $$$"""{"model":"topaz/video-upscale","input":{"video_url":"{{{url}}}","upscale_factor":"3"}}"""));
        Expect(422, await CreateTask(key, $$$"""{"model":"topaz/video-upscale","input":{"video_url":"{{{url}}}","upscale_factor":[2]}}"""));
        Expect(422, await CreateTask(key, """{"model":"topaz/video-upscale","input":{}}"""));
        Expect(422, await CreateTask(key, """{"model":"topaz/video-upscale","input":"""));
        Expect(422, await CreateTask(key, $$$"""{"model":"topaz/video-upscale","input":{"video_url":"{{{Site.Serve(big, "big.mp4")}}}"}}"""));
        Expect(422, await CreateTask(key, $$$"""{"model":"topaz/video-upscale","input":{"video_url":"{{{Site.Serve(avi, "small.avi")}}}"}}"""));
        Expect(422, await RecordInfo(key, "task_topaz_job_nothing"));
        Expect(422, await RecordInfo(key, "someone-elses"));
        Expect(400, await Server.SendAsync(HttpMethod.Get, "/api/v1/jobs/recordInfo", null, ("Authorization", $"Bearer {key}")));
        Expect(401, await RecordInfo("bad", "task_topaz_x"));

        static void Expect(int code, (HttpStatusCode Status, JsonObject Body) answer)
        {
            Assert.Equal(code, (int)answer.Status);
            Assert.Equal(code, (int)answer.Body["code"]!);
            Assert.False(string.IsNullOrWhiteSpace((string)answer.Body["msg"]!));
            Assert.True(answer.Body.ContainsKey("data"));
            Assert.Null(answer.Body["data"]);
        }
    }
}
