using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Upres.Engine.Media;
using Upres.Service.Dialects;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests.Dialects;

/// HitPaw's documented flow against a real server: export, task query polling, web_hook_url, download.
[Collection("processing")]
public sealed partial class HitPawEndToEndTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;
    private FileSite _site = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _site = await FileSite.StartAsync();
        _receiver = await WebhookReceiver.StartAsync();
        _server = await UpresTestServer.StartAsync(new Dictionary<string, string?> { ["UPRES_FETCH_ALLOW"] = "127.0.0.1:*", ["UPRES_WEBHOOK_ALLOW"] = "127.0.0.1:*" });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _receiver.DisposeAsync();
        await _site.DisposeAsync();
    }

    private Task<(HttpStatusCode Status, JsonObject Body)> Export(string key, string json) =>
        _server.SendAsync(HttpMethod.Post, "/api/v3/video-enhancer/export", json, ("Content-Type", "application/json"), ("ApiKey", key));

    private Task<(HttpStatusCode Status, JsonObject Body)> Task(string key, string json) =>
        _server.SendAsync(HttpMethod.Post, "/api/v3/video-enhancer-api/task", json, ("Content-Type", "application/json"), ("ApiKey", key));

    /// The document's example body with only the host of the URLs changed.
    private string DocumentBody(string videoUrl, string hookUrl) =>
        HitPawDialectTests.DocumentExample
            .Replace("https://example.com/video.mp4", videoUrl, StringComparison.Ordinal)
            .Replace("https://your-server.com/webhook", hookUrl, StringComparison.Ordinal);

    [Fact]
    public async Task The_document_s_export_is_processed_reported_by_query_and_webhook_and_downloads_at_1080p()
    {
        var (_, native, key) = await _server.CreateAccountAsync(credits: 100);
        var videoUrl = _site.Serve(Clips.Small(seconds: 1, width: 256, height: 144, fps: 10), "hp.mp4");

        var (status, export) = await Export(key, DocumentBody(videoUrl, _receiver.Url("/webhook")));

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
        var probe = await _server.DownloadAndProbeAsync((string)data["res_url"]!);
        Assert.Equal((1920, 1080), (probe.Width, probe.Height));
        Assert.InRange(probe.Fps, 9.9, 10.1);
        Assert.InRange(probe.Duration, 0.9, 1.15);
        Assert.True(probe.Audio);

        var deliveries = await _receiver.WaitForAsync(1, TimeSpan.FromSeconds(60));
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
        var (_, native, key) = await _server.CreateAccountAsync(credits: 100);
        var videoUrl = _site.Serve(Clips.Small(seconds: 1, width: 256, height: 144, fps: 10), "hp-colour.mp4");
        var uploads = Path.Combine(_server.DataDirectory, "uploads");
        var before = Directory.Exists(uploads) ? Directory.GetFiles(uploads).Length : 0;

        var (status, export) = await Export(key, $$"""
            {"video_url":"{{videoUrl}}","extension":".mp4","model_name":"color-enhancement",
             "resolution":[512,288],"original_resolution":[256,144]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        // The create stored the fetched file and nothing else: no filtered, re-encoded copy (no ffmpeg run in the request).
        Assert.Equal(before + 1, Directory.GetFiles(uploads).Length);
        var enhanced = await native.JobFinishedAsync((string)export["data"]!["job_id"]!);
        var plain = await (await native.PostAsJsonAsync("/v1/jobs",
            new { input = new { url = videoUrl }, model = DialectModels.RealWorld, width = 512, height = 288 })).ReadObjectAsync();
        var unfiltered = await native.JobFinishedAsync((string)plain["id"]!);

        Assert.Equal("completed", (string)enhanced["status"]!);
        Assert.Equal("completed", (string)unfiltered["status"]!);
        var psnr = (await PsnrAsync(await DownloadAsync((string)enhanced["result"]!["url"]!), await DownloadAsync((string)unfiltered["result"]!["url"]!))).WorstPlane;
        // Everything else being equal, the two runs would match far above 40 dB.
        Assert.True(psnr < 40, $"the colour enhancement changed nothing visible: {psnr:F2} dB (worst plane) against the same job without it");
    }

    private async Task<string> DownloadAsync(string url)
    {
        using var anonymous = new HttpClient();
        var path = Path.Combine(_server.DataDirectory, $"download-{Guid.NewGuid():N}.mp4");
        await File.WriteAllBytesAsync(path, await anonymous.GetByteArrayAsync(url));
        return path;
    }

    /// ffmpeg's PSNR of two videos: over all planes, and of the plane that differs most.
    private static async Task<(double Average, double WorstPlane)> PsnrAsync(string a, string b)
    {
        Match? last = null;
        await ProcessRunner.RunAsync("ffmpeg", ["-hide_banner", "-nostdin", "-i", a, "-i", b, "-lavfi", "[0:v][1:v]psnr", "-f", "null", "-"],
            CancellationToken.None, new ProcessOptions
            {
                OnStandardErrorLine = line => last = PsnrLine().Match(line) is { Success: true } m ? m : last,
            });
        if (last is null)
        {
            throw new InvalidOperationException("ffmpeg printed no PSNR");
        }

        static double Db(Group g) => g.Value == "inf" ? double.PositiveInfinity : double.Parse(g.Value, CultureInfo.InvariantCulture);
        return (Db(last.Groups["avg"]), Math.Min(Db(last.Groups["y"]), Math.Min(Db(last.Groups["u"]), Db(last.Groups["v"]))));
    }

    [GeneratedRegex(@"PSNR y:(?<y>\S+) u:(?<u>\S+) v:(?<v>\S+) average:(?<avg>\S+)")]
    private static partial Regex PsnrLine();

    [Fact]
    public async Task A_v3_client_names_the_model_polls_with_it_and_gets_an_avi_and_its_original_url_back()
    {
        var (_, _, key) = await _server.CreateAccountAsync(credits: 100);
        var videoUrl = _site.Serve(Clips.Small(seconds: 1, width: 256, height: 144, fps: 10), "hp-v3.mp4");
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
        var result = Path.Combine(_server.DataDirectory, "v3.avi");
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
        var (_, _, key) = await _server.CreateAccountAsync(credits: 100);
        var (_, _, poorKey) = await _server.CreateAccountAsync(credits: 0);
        var url = _site.Serve(Clips.Small(seconds: 1), "small.mp4");
        string Body(int model = 17, string resolution = "[640, 360]", string? video = null) =>
            $$"""{"video_url":"{{video ?? url}}","model_id":{{model}},"resolution":{{resolution}}}""";

        Expect(HttpStatusCode.Unauthorized, 501001, "The ApiKey is not valid", await Export("wrong", Body()));
        Expect(HttpStatusCode.Unauthorized, 501001, "The ApiKey is not valid", await _server.SendAsync(HttpMethod.Post,
            "/api/v3/video-enhancer/export", Body(), ("Authorization", $"Bearer {key}")));
        Expect(HttpStatusCode.PaymentRequired, 501002, "The coins for this APIKEY is not enough", await Export(poorKey, Body()));
        Expect(HttpStatusCode.BadRequest, 501016, null, await Export(key, Body(video: _site.Missing())));
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
        var (_, _, key) = await _server.CreateAccountAsync(credits: 100);
        var dark = Clips.Make("dark.mp4",
            ["-f", "lavfi", "-i", "testsrc2=size=256x144:rate=10,eq=brightness=-0.3", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050",
             "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"]);
        var url = _site.Serve(dark, "dark.mp4");

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
        var result = Path.Combine(_server.DataDirectory, "lowlight.mp4");
        await File.WriteAllBytesAsync(result, await http.GetByteArrayAsync((string)data["res_url"]!));
        Assert.Equal((512, 288), (Clips.Probe(result).Width, Clips.Probe(result).Height));
        Assert.True(MeanLuma(result) > MeanLuma(dark) + 10, $"{MeanLuma(result)} vs {MeanLuma(dark)}");
    }

    private static double MeanLuma(string path)
    {
        var output = Clips.Run("ffprobe", ["-v", "error", "-f", "lavfi", "-i", $"movie={path},signalstats",
            "-show_entries", "frame_tags=lavfi.signalstats.YAVG", "-of", "csv=p=0"]);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).Average();
    }

    [Fact]
    public async Task A_video_over_10_minutes_is_refused_as_an_invalid_video()
    {
        var (_, native, key) = await _server.CreateAccountAsync(credits: 100_000);
        var longClip = Clips.Make("long-601s.mp4",
            ["-f", "lavfi", "-i", "color=c=gray:size=128x128:rate=1", "-t", "601", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]);
        var url = _site.Serve(longClip, "long.mp4");

        var (status, body) = await Export(key, $$"""{"video_url":"{{url}}","model_id":17,"resolution":[256,256]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(501016, (int)body["code"]!);
        Assert.Equal("The video url is not valid", (string)body["message"]!);
        Assert.Contains("10 minutes", (string)body["detail"]!, StringComparison.Ordinal);
        Assert.Equal(0, (await (await native.GetAsync("/v1/account")).ReadObjectAsync())["account"]!["reserved"]!.GetValue<long>());
    }
}
