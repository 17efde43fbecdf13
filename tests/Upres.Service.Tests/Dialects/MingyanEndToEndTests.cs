using System.Net;
using System.Text.Json.Nodes;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests.Dialects;

/// mingyan's documented flow against a real server: create from a URL, poll the result, download.
[Collection("processing")]
public sealed class MingyanEndToEndTests() : DoorTestBase(runJobs: true)
{
    private Task<(HttpStatusCode Status, JsonObject Body)> Create(string key, string json) =>
        Server.SendAsync(HttpMethod.Post, "/kyyReactApiServer/v1/super-resolution/videos", json,
            ("Authorization", $"Bearer {key}"), ("Content-Type", "application/json"));

    private Task<(HttpStatusCode Status, JsonObject Body)> Result(string key, string id) =>
        Server.SendAsync(HttpMethod.Get, $"/kyyReactApiServer/v1/result/{id}", null, ("Authorization", $"Bearer {key}"));

    private async Task<JsonObject> PollAsync(string key, string id)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(300);
        while (true)
        {
            var (status, body) = await Result(key, id);
            Assert.Equal(HttpStatusCode.OK, status);
            if ((string)body["status"]! is "completed" or "failed" || DateTimeOffset.UtcNow > deadline)
            {
                return body;
            }

            Assert.Contains((string)body["status"]!, new[] { "queued", "processing" });
            await Task.Delay(200);
        }
    }

    /// Creates a task for `model` on `url`, polls it to completion and probes the download.
    private async Task<(JsonObject Done, (int Width, int Height, double Fps, double Duration, bool Audio) Probe)> UpscaleAsync(string key, string model, string url)
    {
        var (status, task) = await Create(key, $$"""{"model":"{{model}}","videoUrl":"{{url}}"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var done = await PollAsync(key, (string)task["id"]!);
        Assert.Equal("completed", (string)done["status"]!);
        return (done, await Server.DownloadAndProbeAsync((string)done["video_url"]!));
    }

    [Fact]
    public async Task A_720p_lowfps_task_outputs_720_lines_at_30_fps_with_audio_and_bills_input_seconds_by_tier()
    {
        var (_, native, key) = await Server.CreateAccountAsync(credits: 100);
        var url = Site.Serve(Clips.Small(seconds: 0.5, width: 160, height: 128, fps: 60), "clip60.mp4");

        var (status, task) = await Create(key, $$"""{"model":"superResolution-720p-lowfps","videoUrl":"{{url}}"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var id = (string)task["id"]!;
        Assert.Equal("video", (string)task["object"]!);
        Assert.Equal("superResolution-720p-lowfps", (string)task["model"]!);
        // The worker may already have claimed it by the time the answer is written.
        Assert.Contains((string)task["status"]!, new[] { "queued", "processing" });
        Assert.InRange((long)task["created"]!, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        var done = await PollAsync(key, id);
        Assert.Equal("completed", (string)done["status"]!);
        Assert.Equal(id, (string)done["id"]!);
        Assert.Null(done["error"]);
        var probe = await Server.DownloadAndProbeAsync((string)done["video_url"]!);
        Assert.Equal((900, 720), (probe.Width, probe.Height));
        Assert.InRange(probe.Fps, 29.9, 30.1);
        Assert.InRange(probe.Duration, 0.45, 0.65);
        Assert.True(probe.Audio);
        Assert.InRange((double)done["actualDuration"]!, 0.45, 0.65);

        // 0.5 s bills as 1 s at the 720p lowfps tier (the table's 720p30 rate, 1 credit/s), charged once.
        Assert.Equal(99, await native.BalanceAsync());
        var job = await (await native.GetAsync($"/v1/jobs/{id}")).ReadObjectAsync();
        Assert.Equal("mingyan", (string)job["dialect"]!);
        Assert.Equal(1, (long)job["price"]!);
    }

    [Fact]
    public async Task A_highfps_task_keeps_the_source_rate_and_is_priced_at_the_tier_s_rate()
    {
        var (_, native, key) = await Server.CreateAccountAsync(credits: 100);
        var url = Site.Serve(Clips.Small(seconds: 0.5, width: 160, height: 128, fps: 60), "clip60-short.mp4");

        var (_, probe) = await UpscaleAsync(key, "superResolution-720p-highfps", url);

        Assert.InRange(probe.Fps, 59.9, 60.1);
        Assert.Equal(720, probe.Height);
        // 0.5 s bills as 1 s, at the highfps tier's 60 fps bracket: 2 credits.
        Assert.Equal(98, await native.BalanceAsync());
    }

    [Fact]
    public async Task A_portrait_source_comes_out_at_the_tier_s_resolution_in_its_own_orientation()
    {
        var (_, _, key) = await Server.CreateAccountAsync(credits: 100);
        var url = Site.Serve(Clips.Small(seconds: 0.4, width: 144, height: 256, fps: 5), "portrait.mp4");

        var (_, probe) = await UpscaleAsync(key, "superResolution-1080p-lowfps", url);

        Assert.Equal((1080, 1920), (probe.Width, probe.Height));
        Assert.InRange(probe.Fps, 4.9, 5.1);
    }

    [Fact]
    public async Task A_240_fps_source_at_highfps_is_capped_at_120_fps_not_refused()
    {
        var (_, _, key) = await Server.CreateAccountAsync(credits: 100);
        var url = Site.Serve(Clips.Small(seconds: 0.2, width: 128, height: 128, fps: 240), "fast240.mp4");

        var (_, probe) = await UpscaleAsync(key, "superResolution-720p-highfps", url);

        Assert.Equal((720, 720), (probe.Width, probe.Height));
        Assert.InRange(probe.Fps, 119.5, 120.5);
    }

    [Fact]
    public async Task Refusals_come_in_mingyan_s_shape_and_never_as_500()
    {
        var (_, _, key) = await Server.CreateAccountAsync(credits: 100);
        var (_, _, poorKey) = await Server.CreateAccountAsync(credits: 0);
        var url = Site.Serve(Clips.Small(seconds: 1), "small.mp4");
        var good = $$"""{"model":"superResolution-1080p-lowfps","videoUrl":"{{url}}"}""";

        await Expect(HttpStatusCode.Unauthorized, "invalid_api_key", await Create("not-a-key", good));
        await Expect(HttpStatusCode.Unauthorized, "invalid_api_key", await Server.SendAsync(HttpMethod.Post,
            "/kyyReactApiServer/v1/super-resolution/videos", good, ("Authorization", key)));
        await Expect(HttpStatusCode.PaymentRequired, "insufficient_balance", await Create(poorKey, good));
        await Expect(HttpStatusCode.BadRequest, "model_not_supported", await Create(key, good.Replace("1080p", "8k", StringComparison.Ordinal)));
        await Expect(HttpStatusCode.BadRequest, "invalid_parameter_type", await Create(key, """{"model":"superResolution-1080p-lowfps","videoUrl":123}"""));
        await Expect(HttpStatusCode.BadRequest, "missing_parameter", await Create(key, """{"model":"superResolution-1080p-lowfps"}"""));
        await Expect(HttpStatusCode.BadRequest, "invalid_json", await Create(key, """{"model":"""));
        // The create never fetches: an unreachable video is the task's failure, read when polled.
        var (missingStatus, missing) = await Create(key, $$"""{"model":"superResolution-1080p-lowfps","videoUrl":"{{Site.Missing()}}"}""");
        Assert.Equal(HttpStatusCode.OK, missingStatus);
        var failed = await PollAsync(key, (string)missing["id"]!);
        Assert.Equal("failed", (string)failed["status"]!);
        Assert.Contains("404", (string)failed["error"]!, StringComparison.Ordinal);
        await Expect(HttpStatusCode.NotFound, "task_not_found", await Result(key, "job_0000"));
        await Expect(HttpStatusCode.Unauthorized, "invalid_api_key", await Result("nope", "job_0000"));

        static Task Expect(HttpStatusCode status, string code, (HttpStatusCode Status, JsonObject Body) answer)
        {
            Assert.Equal(status, answer.Status);
            Assert.Equal(code, (string)answer.Body["code"]!);
            Assert.False(string.IsNullOrWhiteSpace((string)answer.Body["error"]!));
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Another_account_s_task_is_not_found()
    {
        var (_, _, key) = await Server.CreateAccountAsync(credits: 100);
        var (_, _, otherKey) = await Server.CreateAccountAsync(credits: 100);
        var url = Site.Serve(Clips.Small(seconds: 1), "small.mp4");
        var (_, task) = await Create(key, $$"""{"model":"superResolution-720p-lowfps","videoUrl":"{{url}}"}""");

        var (status, body) = await Result(otherKey, (string)task["id"]!);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("task_not_found", (string)body["code"]!);
    }

    [Fact]
    public async Task A_task_cancelled_through_the_native_api_reads_as_failed_cancelled_and_its_credits_come_back()
    {
        var (_, native, key) = await Server.CreateAccountAsync(credits: 100);
        // 30 s at 60 fps to 720p: minutes of work, so the cancel lands while it runs or waits.
        var url = Site.Serve(Clips.Small(seconds: 30, width: 160, height: 128, fps: 60), "long60.mp4");
        var (status, task) = await Create(key, $$"""{"model":"superResolution-720p-lowfps","videoUrl":"{{url}}"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var id = (string)task["id"]!;
        // The worker reserves once it has fetched and priced the file; wait for that.
        await Poll.UntilAsync(async () => (await (await native.GetAsync("/v1/account")).ReadObjectAsync())["account"]!.AsObject(),
            a => a["reserved"]!.GetValue<long>() > 0);

        var cancel = await native.PostAsync($"/v1/jobs/{id}/cancel", null);
        Assert.True(cancel.IsSuccessStatusCode, await cancel.Content.ReadAsStringAsync());
        await native.JobFinishedAsync(id);

        var done = await PollAsync(key, id);
        Assert.Equal("failed", (string)done["status"]!); // mingyan's words have no "cancelled"
        Assert.Equal("cancelled", (string)done["error"]!);
        Assert.Null(done["video_url"]);
        var account = (await (await native.GetAsync("/v1/account")).ReadObjectAsync())["account"]!;
        Assert.Equal(100, (long)account["balance"]!);
        Assert.Equal(0, (long)account["reserved"]!);
    }
}
