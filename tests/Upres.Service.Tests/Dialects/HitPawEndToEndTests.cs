using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Upres.Engine.Tests.Media;
using Upres.Service.Dialects;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests.Dialects;

/// HitPaw's documented flow against a real server: export, task query polling, web_hook_url, download.
[Collection("processing")]
public sealed class HitPawEndToEndTests() : DoorTestBase(runJobs: true)
{
    private Task<(HttpStatusCode Status, JsonObject Body)> Export(string key, string json) =>
        Server.SendAsync(HttpMethod.Post, "/api/v3/video-enhancer/export", json, ("Content-Type", "application/json"), ("ApiKey", key));

    private Task<(HttpStatusCode Status, JsonObject Body)> Task(string key, string json) =>
        Server.SendAsync(HttpMethod.Post, "/api/v3/video-enhancer-api/task", json, ("Content-Type", "application/json"), ("ApiKey", key));

    /// The document's example body with only the host of the URLs changed.
    private string DocumentBody(string videoUrl, string hookUrl) =>
        HitPawDialectTests.DocumentExample
            .Replace("https://example.com/video.mp4", videoUrl, StringComparison.Ordinal)
            .Replace("https://your-server.com/webhook", hookUrl, StringComparison.Ordinal);

    [Fact]
    public async Task The_document_s_export_is_processed_reported_by_query_and_webhook_and_downloads_at_1080p()
    {
        var (_, native, key) = await Server.CreateAccountAsync(credits: 100);
        var videoUrl = Site.Serve(Clips.Small(seconds: 1, width: 256, height: 144, fps: 10), "hp.mp4");

        var (status, export) = await Export(key, DocumentBody(videoUrl, Receiver.Url("/webhook")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(200, (int)export["code"]!);
        Assert.Equal("Success", (string)export["message"]!);
        var jobId = (string)export["data"]!["job_id"]!;

        var query = $$"""{"job_id":"{{jobId}}"}""";
        JsonObject data;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(300);
        do
        {
            var (qs, answer) = await Task(key, query);
            Assert.Equal(HttpStatusCode.OK, qs);
            Assert.Equal(200, (int)answer["code"]!);
            Assert.Equal("OK", (string)answer["message"]!);
            data = answer["data"]!.AsObject();
            Assert.Equal(jobId, (string)data["job_id"]!);
            Assert.Contains((string)data["status"]!, new[] { "WAITING", "CONVERTING", "COMPLETED", "ERROR" });
            if ((string)data["status"]! is "WAITING" or "CONVERTING")
            {
                Assert.Equal("", (string)data["res_url"]!);
                await System.Threading.Tasks.Task.Delay(200);
            }
        }
        while ((string)data["status"]! is "WAITING" or "CONVERTING" && DateTimeOffset.UtcNow < deadline);

        Assert.Equal("COMPLETED", (string)data["status"]!);
        var probe = await Server.DownloadAndProbeAsync((string)data["res_url"]!);
        Assert.Equal((1920, 1080), (probe.Width, probe.Height));
        Assert.InRange(probe.Fps, 9.9, 10.1);
        Assert.InRange(probe.Duration, 0.9, 1.15);
        Assert.True(probe.Audio);

        var deliveries = await Receiver.WaitForAsync(1, TimeSpan.FromSeconds(60));
        var hook = Assert.Single(deliveries);
        Assert.Equal("/webhook", hook.Path);
        Assert.False(string.IsNullOrEmpty(hook.Signature));
        var body = JsonNode.Parse(hook.Body)!.AsObject();
        Assert.Equal(["job_id", "status", "res_url"], body.Select(p => p.Key).ToArray());
        Assert.Equal(jobId, (string)body["job_id"]!);
        Assert.Equal("COMPLETED", (string)body["status"]!);
        Assert.StartsWith("http", (string)body["res_url"]!, StringComparison.Ordinal);

        // 1 s at 1080p, 10 fps: the one table's 1080p30 rate, 2 credits, charged once.
        Assert.Equal(98, await native.BalanceAsync());
        var job = await (await native.GetAsync($"/v1/jobs/{jobId}")).ReadObjectAsync();
        Assert.Equal("hitpaw", (string)job["dialect"]!);
    }

    [Fact]
    public async Task Colour_enhancement_runs_in_the_job_s_one_pass_and_the_create_makes_no_filtered_copy()
    {
        var (_, native, key) = await Server.CreateAccountAsync(credits: 100);
        var videoUrl = Site.Serve(Clips.Small(seconds: 1, width: 256, height: 144, fps: 10), "hp-colour.mp4");
        var uploads = Path.Combine(Server.DataDirectory, "uploads");
        var before = Directory.Exists(uploads) ? Directory.GetFiles(uploads).Length : 0;

        var (status, export) = await Export(key, $$"""
            {"video_url":"{{videoUrl}}","extension":".mp4","model_name":"color-enhancement",
             "resolution":[512,288],"original_resolution":[256,144]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        // The create stored no file at all: the worker fetches it, and no filtered, re-encoded copy
        // is made anywhere (the filter is part of the job's one pass).
        Assert.Equal(before, Directory.Exists(uploads) ? Directory.GetFiles(uploads).Length : 0);
        var enhanced = await native.JobFinishedAsync((string)export["data"]!["job_id"]!);
        var plain = await (await native.PostAsJsonAsync("/v1/jobs",
            new { input = new { url = videoUrl }, model = DialectModels.RealWorld, width = 512, height = 288 })).ReadObjectAsync();
        var unfiltered = await native.JobFinishedAsync((string)plain["id"]!);

        Assert.Equal("completed", (string)enhanced["status"]!);
        Assert.Equal("completed", (string)unfiltered["status"]!);
        var psnr = (await VideoPsnr.MeasureAsync(await DownloadAsync((string)enhanced["result"]!["url"]!), await DownloadAsync((string)unfiltered["result"]!["url"]!))).WorstPlane;
        // Everything else being equal, the two runs would match far above 40 dB.
        Assert.True(psnr < 40, $"the colour enhancement changed nothing visible: {psnr:F2} dB (worst plane) against the same job without it");
    }

    private async Task<string> DownloadAsync(string url)
    {
        using var anonymous = new HttpClient();
        var path = Path.Combine(Server.DataDirectory, $"download-{Guid.NewGuid():N}.mp4");
        await File.WriteAllBytesAsync(path, await anonymous.GetByteArrayAsync(url));
        return path;
    }


    [Fact]
    public async Task A_v3_client_names_the_model_polls_with_it_and_gets_an_avi_and_its_original_url_back()
    {
        var (_, _, key) = await Server.CreateAccountAsync(credits: 100);
        var videoUrl = Site.Serve(Clips.Small(seconds: 1, width: 256, height: 144, fps: 10), "hp-v3.mp4");
        var body = $$"""
            {"video_url":"{{videoUrl}}","extension":".avi","model_name":"general-denoise-balance",
             "resolution":[512,288],"original_resolution":[256,144]}
            """;

        var (status, export) = await Export(key, body);
        Assert.Equal(HttpStatusCode.OK, status);
        var query = $$"""{"job_id":"{{(string)export["data"]!["job_id"]!}}"}""";
        JsonObject data;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(300);
        do
        {
            await System.Threading.Tasks.Task.Delay(200);
            data = (await Task(key, query)).Body["data"]!.AsObject();
            Assert.Equal(videoUrl, (string)data["original_url"]!);
        }
        while ((string)data["status"]! is "WAITING" or "CONVERTING" && DateTimeOffset.UtcNow < deadline);

        Assert.Equal("COMPLETED", (string)data["status"]!);
        Assert.Equal(["job_id", "status", "res_url", "original_url"], data.Select(p => p.Key).ToArray());
        using var http = new HttpClient();
        var result = Path.Combine(Server.DataDirectory, "v3.avi");
        await File.WriteAllBytesAsync(result, await http.GetByteArrayAsync((string)data["res_url"]!));
        var probe = Clips.Probe(result);
        Assert.Equal((512, 288), (probe.Width, probe.Height));
        // AVI's container duration includes the MP3 track's padding; the frames are what count.
        Assert.Equal("10", Clips.Run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", result]).Trim());
        Assert.True(probe.Audio);
        Assert.Equal("avi", Clips.Run("ffprobe", ["-v", "error", "-show_entries", "format=format_name", "-of", "csv=p=0", result]).Trim());
        Assert.Equal("h264", Clips.Run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name", "-of", "csv=p=0", result]).Trim());
    }

    [Fact]
    public async Task Refusals_use_HitPaw_s_codes_and_messages()
    {
        var (_, _, key) = await Server.CreateAccountAsync(credits: 100);
        var (_, _, poorKey) = await Server.CreateAccountAsync(credits: 0);
        var url = Site.Serve(Clips.Small(seconds: 1), "small.mp4");
        string Body(int model = 17, string resolution = "[640, 360]", string? video = null) =>
            $$"""{"video_url":"{{video ?? url}}","model_id":{{model}},"resolution":{{resolution}}}""";

        Expect(HttpStatusCode.Unauthorized, 501001, "The ApiKey is not valid", await Export("wrong", Body()));
        Expect(HttpStatusCode.Unauthorized, 501001, "The ApiKey is not valid", await Server.SendAsync(HttpMethod.Post,
            "/api/v3/video-enhancer/export", Body(), ("Authorization", $"Bearer {key}")));
        Expect(HttpStatusCode.PaymentRequired, 501002, "The coins for this APIKEY is not enough", await Export(poorKey, Body()));
        Expect(HttpStatusCode.BadRequest, 501016, null, await Export(key, Body(video: Site.Missing())));
        Expect(HttpStatusCode.BadRequest, 501016, "The video url is not valid", await Export(key, Body(video: "not a url")));
        Expect(HttpStatusCode.BadRequest, 501004, null, await Export(key, Body(model: 18)));
        Expect(HttpStatusCode.BadRequest, 501004, null, await Export(key, Body(model: 99)));
        Expect(HttpStatusCode.BadRequest, 501003, null, await Export(key, Body(resolution: "[64, 64]")));
        Expect(HttpStatusCode.BadRequest, 501003, null, await Export(key, Body(resolution: "[8192, 4320]")));
        Expect(HttpStatusCode.BadRequest, 501003, null, await Export(key, Body(resolution: "\"1920x1080\"")));
        Expect(HttpStatusCode.BadRequest, 501003, null, await Export(key, $$"""{"video_url":"{{url}}","model_id":"17","resolution":[640,360]}"""));
        Expect(HttpStatusCode.BadRequest, 501003, null, await Export(key, "{{"));
        Expect(HttpStatusCode.NotFound, 501005, null, await Task(key, """{"job_id":"job_nope"}"""));
        Expect(HttpStatusCode.BadRequest, 501003, null, await Task(key, """{"job_id":5}"""));

        static void Expect(HttpStatusCode status, int code, string? message, (HttpStatusCode Status, JsonObject Body) answer)
        {
            Assert.Equal(status, answer.Status);
            Assert.Equal(code, (int)answer.Body["code"]!);
            Assert.True(answer.Body.ContainsKey("data"));
            Assert.Null(answer.Body["data"]);
            if (message is not null)
            {
                Assert.Equal(message, (string)answer.Body["message"]!);
            }
        }
    }

    [Fact]
    public async Task Low_light_model_15_brightens_the_video_with_a_classical_filter_before_upscaling()
    {
        var (_, _, key) = await Server.CreateAccountAsync(credits: 100);
        var dark = Clips.Make("dark.mp4",
            ["-f", "lavfi", "-i", "testsrc2=size=256x144:rate=10,eq=brightness=-0.3", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050",
             "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"]);
        var url = Site.Serve(dark, "dark.mp4");

        var (status, export) = await Export(key, $$$"""{"video_url":"{{{url}}}","model_id":15,"resolution":[512,288]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var query = $$$"""{"job_id":"{{{(string)export["data"]!["job_id"]!}}}"}""";
        JsonObject data;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(300);
        do
        {
            await System.Threading.Tasks.Task.Delay(200);
            data = (await Task(key, query)).Body["data"]!.AsObject();
        }
        while ((string)data["status"]! is "WAITING" or "CONVERTING" && DateTimeOffset.UtcNow < deadline);

        Assert.Equal("COMPLETED", (string)data["status"]!);
        using var http = new HttpClient();
        var result = Path.Combine(Server.DataDirectory, "lowlight.mp4");
        await File.WriteAllBytesAsync(result, await http.GetByteArrayAsync((string)data["res_url"]!));
        Assert.Equal((512, 288), (Clips.Probe(result).Width, Clips.Probe(result).Height));
        Assert.True(MeanLuma(result) > MeanLuma(dark) + 10, $"{MeanLuma(result)} vs {MeanLuma(dark)}");
    }

    private static double MeanLuma(string path)
    {
        var output = Clips.Run("ffprobe", ["-v", "error", "-f", "lavfi", "-i", $"movie={path},signalstats",
            "-show_entries", "frame_tags=lavfi.signalstats.YAVG", "-of", "csv=p=0"]);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).Average();
    }

    [Fact]
    public async Task A_video_over_10_minutes_is_refused_by_the_worker_and_reads_as_an_error()
    {
        var (_, native, key) = await Server.CreateAccountAsync(credits: 100_000);
        var longClip = Clips.Make("long-601s.mp4",
            ["-f", "lavfi", "-i", "color=c=gray:size=128x128:rate=1", "-t", "601", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]);
        var url = Site.Serve(longClip, "long.mp4");

        // The create only looks at the URL (it answers, and declares under 200 MB); the length is
        // the worker's to find, once it has the file.
        var (status, body) = await Export(key, $$"""{"video_url":"{{url}}","model_id":17,"resolution":[256,256]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var jobId = (string)body["data"]!["job_id"]!;

        var job = await native.JobFinishedAsync(jobId);
        Assert.Equal("failed", (string)job["status"]!);
        Assert.Equal("input_rejected", (string)job["error"]!["code"]!);
        Assert.Contains("10 minutes", (string)job["error"]!["message"]!, StringComparison.Ordinal);
        var (_, task) = await Task(key, $$"""{"job_id":"{{jobId}}"}""");
        Assert.Equal("ERROR", (string)task["data"]!["status"]!);
        var account = (await (await native.GetAsync("/v1/account")).ReadObjectAsync())["account"]!;
        Assert.Equal(0, account["reserved"]!.GetValue<long>());
        Assert.Equal(100_000, account["balance"]!.GetValue<long>());
    }
}
