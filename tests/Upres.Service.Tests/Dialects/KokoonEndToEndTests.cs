using System.Net;
using System.Text.Json.Nodes;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests.Dialects;

/// kokoon's flow against a real server: upload the original, create the SR task from the
/// document's body, follow the result video until it is completed, download it.
[Collection("processing")]
public sealed class KokoonEndToEndTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;

    public async Task InitializeAsync() => _server = await UpresTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonObject Body)> UploadAsync(string token, string path)
    {
        using var client = _server.Client();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token);
        using var response = await client.UploadAsync(path, "file", "/kokoon/api/sr/v3/video");
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private Task<(HttpStatusCode Status, JsonObject Body)> Task(string token, string json) =>
        _server.SendAsync(HttpMethod.Post, "/kokoon/api/sr/v3/task", json, ("Content-Type", "application/json"), ("Authorization", token));

    private Task<(HttpStatusCode Status, JsonObject Body)> Video(string token, string vid) =>
        _server.SendAsync(HttpMethod.Get, $"/kokoon/api/sr/v3/video/{vid}", null, ("Content-Type", "application/json"), ("Authorization", token));

    private Task<(HttpStatusCode Status, JsonObject Body)> TaskInfo(string token, string tid) =>
        _server.SendAsync(HttpMethod.Get, $"/kokoon/api/sr/v3/task/{tid}", null, ("Content-Type", "application/json"), ("Authorization", token));

    /// What a kokoon client does: poll the task until its step is done (or error / cancel).
    private async Task<JsonObject> UntilTaskDoneAsync(string token, string tid)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(300);
        var seen = new HashSet<string>();
        while (true)
        {
            var (status, task) = await TaskInfo(token, tid);
            Assert.Equal(HttpStatusCode.OK, status);
            var step = (string)task["step"]!;
            seen.Add(step);
            Assert.Contains(step, new[] { "ready", "preparing", "prepared", "running", "done", "cancel", "unknown", "error" });
            Assert.InRange(int.Parse((string)task["progress"]!, System.Globalization.CultureInfo.InvariantCulture), 0, 100);
            if (step is not ("ready" or "preparing" or "prepared" or "running") || DateTimeOffset.UtcNow > deadline)
            {
                return task;
            }

            await System.Threading.Tasks.Task.Delay(200);
        }
    }

    private async Task<JsonObject> UntilDoneAsync(string token, string vid)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(300);
        while (true)
        {
            var (status, video) = await Video(token, vid);
            Assert.Equal(HttpStatusCode.OK, status);
            if ((string)video["state"]! is not ("waiting" or "processing") || DateTimeOffset.UtcNow > deadline)
            {
                return video;
            }

            await System.Threading.Tasks.Task.Delay(200);
        }
    }

    [Fact]
    public async Task The_document_s_task_trims_a_new_original_and_upscales_it_to_exactly_1920x1080()
    {
        var (accountId, native, token) = await _server.CreateAccountAsync(credits: 100);
        var (us, original) = await UploadAsync(token, Clips.Small(seconds: 3, width: 256, height: 144, fps: 10));
        Assert.Equal(HttpStatusCode.OK, us);
        var vid = (string)original["vid"]!;
        Assert.Equal(accountId, (string)original["uid"]!);
        Assert.Equal("00000000-0000-0000-0000-000000000000", (string)original["pid"]!);
        Assert.Equal("completed", (string)original["state"]!);
        Assert.Equal("10/1", (string)original["fps"]!);
        Assert.Equal("3.000000", (string)original["duration"]!);
        Assert.Equal((256, 144), ((int)original["width"]!, (int)original["height"]!));

        // The document's body, with only the vid (an id of this server) changed.
        var body = KokoonDialectTests.DocumentExample.Replace("8eb18100-3aa0-11ee-a8b4-73df6b5af037", vid, StringComparison.Ordinal);
        var (ts, task) = await Task(token, body);

        Assert.Equal(HttpStatusCode.OK, ts);
        Assert.Equal(["tid", "in_vid", "out_vid"], task.Select(p => p.Key).ToArray());
        var inVid = (string)task["in_vid"]!;
        Assert.NotEqual(vid, inVid);
        // The new original is the worker's: processing (with the range's length) until it exists.
        var trimmed = (await Video(token, inVid)).Body;
        Assert.InRange(double.Parse((string)trimmed["duration"]!, System.Globalization.CultureInfo.InvariantCulture), 0.95, 1.1);
        Assert.Contains((string)trimmed["state"]!, new[] { "processing", "completed" });

        var info = await UntilTaskDoneAsync(token, (string)task["tid"]!);
        Assert.Equal("done", (string)info["step"]!);
        Assert.Equal("success", (string)info["result_message"]!);
        Assert.Equal("100", (string)info["progress"]!);
        Assert.False(string.IsNullOrEmpty((string)info["finish_time"]!));
        var srProbe = await _server.DownloadAndProbeAsync((string)info["sr_url"]!);
        Assert.Equal((1920, 1080), (srProbe.Width, srProbe.Height));

        trimmed = (await Video(token, inVid)).Body;
        Assert.Equal("completed", (string)trimmed["state"]!);
        Assert.InRange(double.Parse((string)trimmed["duration"]!, System.Globalization.CultureInfo.InvariantCulture), 0.95, 1.1);
        Assert.Equal(HttpStatusCode.OK, (await Video(token, vid)).Status);

        var result = await UntilDoneAsync(token, (string)task["out_vid"]!);
        Assert.Equal("completed", (string)result["state"]!);
        Assert.Equal(inVid, (string)result["pid"]!);
        Assert.Equal((string)task["tid"]!, (string)result["tid"]!);
        Assert.Equal("person", (string)result["last_category"]!);
        var probe = await _server.DownloadAndProbeAsync((string)result["url"]!);
        Assert.Equal((1920, 1080), (probe.Width, probe.Height));
        Assert.InRange(probe.Duration, 0.9, 1.15);
        Assert.InRange(probe.Fps, 9.9, 10.1);
        Assert.True(probe.Audio);

        // 1 s at 1080p30: 2 credits.
        Assert.Equal(98, await native.BalanceAsync());
    }

    [Fact]
    public async Task A_preview_of_an_animation_is_at_most_five_seconds_from_start_pos()
    {
        var (_, _, token) = await _server.CreateAccountAsync(credits: 100);
        var vid = (string)(await UploadAsync(token, Clips.Small(seconds: 7, width: 160, height: 128, fps: 5))).Body["vid"]!;
        var body = $$"""
            {"task_type":"SR_PREVIEW","category":"animation","use_sr":true,"input_quality":"high",
             "option":{"face_enhance":true,"denoise":true,"deinterlace":false,"add_noise":true},
             "vid":"{{vid}}","width":320,"height":256,"start_pos":1000,"duration":0,"codec":"h264","format":"mkv"}
            """;
        var (status, task) = await Task(token, body);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(vid, (string)task["in_vid"]!);

        var info = await UntilTaskDoneAsync(token, (string)task["tid"]!);
        Assert.Equal("done", (string)info["step"]!);
        Assert.Equal("SR_PREVIEW", (string)info["task_type"]!);
        var previewProbe = await _server.DownloadAndProbeAsync((string)info["preview_sr_url"]!);
        Assert.Equal((320, 256), (previewProbe.Width, previewProbe.Height));
        using (var anonymous = new HttpClient())
        {
            Assert.True((await anonymous.GetByteArrayAsync((string)info["preview_orig_url"]!)).Length > 0);
        }

        var result = await UntilDoneAsync(token, (string)task["out_vid"]!);
        Assert.Equal("completed", (string)result["state"]!);
        Assert.EndsWith(".mkv", (string)result["filename"]!, StringComparison.Ordinal);
        var probe = await _server.DownloadAndProbeAsync((string)result["url"]!);
        Assert.Equal((320, 256), (probe.Width, probe.Height));
        // The preview is 5 s of video from start_pos: 25 frames at 5 fps, audio cut to match.
        using var dl = new HttpClient();
        var file = Path.Combine(_server.DataDirectory, "preview.mkv");
        await File.WriteAllBytesAsync(file, await dl.GetByteArrayAsync((string)result["url"]!));
        var frames = Clips.Run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file]).Trim();
        Assert.Equal("25", frames);
        Assert.Equal("25", (string)result["nb_frames"]!);
        Assert.True(probe.Audio);
        var duration = double.Parse(Clips.Run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file]).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(duration, 4.9, 5.2);
    }

    [Fact]
    public async Task Refusals_are_message_objects_with_the_documented_insufficient_credit()
    {
        var (_, _, token) = await _server.CreateAccountAsync(credits: 100);
        var (_, _, poorToken) = await _server.CreateAccountAsync(credits: 0);
        var vid = (string)(await UploadAsync(token, Clips.Small(seconds: 3, width: 256, height: 144, fps: 10))).Body["vid"]!;
        var poorVid = (string)(await UploadAsync(poorToken, Clips.Small(seconds: 3, width: 256, height: 144, fps: 10))).Body["vid"]!;
        string Body(string v, string change = "") =>
            KokoonDialectTests.DocumentExample.Replace("8eb18100-3aa0-11ee-a8b4-73df6b5af037", v, StringComparison.Ordinal)
                .Replace("\"use_trim_orig\" : true", "\"use_trim_orig\" : false" + change, StringComparison.Ordinal);

        Expect(HttpStatusCode.Unauthorized, null, await Task("wrong-token", Body(vid)));
        Expect(HttpStatusCode.Unauthorized, null, await UploadAsync("wrong-token", Clips.Small()));
        Expect(HttpStatusCode.PaymentRequired, "insufficient credit", await Task(poorToken, Body(poorVid)));
        Expect(HttpStatusCode.NotFound, null, await Task(token, Body("8eb18100-3aa0-11ee-a8b4-73df6b5af037")));
        Expect(HttpStatusCode.NotFound, null, await Task(token, Body(poorVid)));
        Expect(HttpStatusCode.NotFound, null, await Video(token, "out_0000"));
        Expect(HttpStatusCode.NotFound, null, await Video(token, poorVid));
        Expect(HttpStatusCode.BadRequest, null, await Task(token, Body(vid).Replace("\"person\"", "\"sports\"", StringComparison.Ordinal)));
        Expect(HttpStatusCode.BadRequest, null, await Task(token, Body(vid).Replace("1920", "\"1920\"", StringComparison.Ordinal)));
        Expect(HttpStatusCode.BadRequest, null, await Task(token, Body(vid).Replace("\"face_enhance\": false", "\"face_enhance\": true", StringComparison.Ordinal)));
        Expect(HttpStatusCode.BadRequest, null, await Task(token, Body(vid).Replace("\"start_pos\": 2000", "\"start_pos\": 9000", StringComparison.Ordinal)));
        Expect(HttpStatusCode.BadRequest, null, await Task(token, Body(vid).Replace("\"width\": 1920", "\"width\": 9000", StringComparison.Ordinal)));
        Expect(HttpStatusCode.BadRequest, null, await Task(token, """{"task_type":"SR","category":"person","use_sr":true,"input_quality":"medium","option":{},"vid":"x","width":1920,"height":1080,"use_trim_orig":true}"""));
        Expect(HttpStatusCode.BadRequest, null, await Task(token, "not json"));

        static void Expect(HttpStatusCode status, string? message, (HttpStatusCode Status, JsonObject Body) answer)
        {
            Assert.Equal(status, answer.Status);
            Assert.Equal(["message"], answer.Body.Select(p => p.Key).ToArray());
            Assert.Equal(message ?? (string)answer.Body["message"]!, (string)answer.Body["message"]!);
        }
    }
}
