using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests.Dialects.Contracts;

/// Every kokoon example, field by field with its JSON type, against the page it comes from
/// (docs.kokoon.cloud, "Super Resolution API", v3; the task create call from the seed document).
/// No worker runs here: the shapes are those of a queued task; the finished ones are checked in
/// KokoonEndToEndTests.
public sealed class KokoonContractTests : IAsyncLifetime
{
    private const string Base = "/kokoon/api/sr/v3";
    private UpresTestServer _server = null!;
    private string _key = "";

    /// docs.kokoon.cloud/docs/01-Super Resolution API/01-video/01-upload video (response), and
    /// 03-get video information (the same object plus last_category).
    public const string VideoExample = """
        {"uid":"u","vid":"v","pid":"00000000-0000-0000-0000-000000000000","tid":"00000000-0000-0000-0000-000000000000",
         "created_time":"2024-02-01T12:17:32.699Z","filename":"original.mp4","size":939073,"codec_name":"h264",
         "fps":"30/1","duration":"10.000000","nb_frames":"300","bitrate":"739484","width":640,"height":360,
         "download_cnt":0,"expired_time":"2024-02-15T12:17:32.699Z","state":"completed","url":"https://s/x","thumb_url":"https://s/y",
         "is_rotated":false,"is_interlaced":false,"last_category":null}
        """;

    /// The seed document 002 (POST /task): the request and the response.
    public const string TaskResponseExample = """{"tid":"t","in_vid":"i","out_vid":"o"}""";

    /// docs.kokoon.cloud/docs/01-Super Resolution API/03-task/03-get task information.
    public const string TaskExample = """
        {"request_body":{"option":{"face_enhance":true,"denoise":true,"deinterlace":true,"add_noise":true},"task_type":"SR",
          "category":"animation","use_sr":true,"input_quality":"high","start_pos":0,"duration":0,"vid":"v","width":1280,"height":720,
          "codec":"h264","format":"mp4","use_trim_orig":false},
         "uid":"u","tid":"t","in_vid":"i","out_vid":"o","task_type":"SR","step":"done","filename":"f.mp4",
         "request_time":"2024-01-24T05:07:58.000Z","start_time":"2024-01-24T05:09:06.000Z","finish_time":"2024-01-24T05:09:32.000Z",
         "result_message":"success","bitrate":"739484","fps":"30/1","nb_frames":"300","sr_nb_frames":"300","progress":"100",
         "preview_orig_url":"https://s/a","preview_sr_url":"https://s/b"}
        """;

    /// docs.kokoon.cloud/docs/01-Super Resolution API/03-task/02-get all task list.
    public const string TaskListExample = """
        {"all_count":9,"curr_count":2,"page_size":"2","page_num":"0","step":"running,done","task_type":"SR_PREVIEW",
         "start_date":"2023-01-01","end_date":"2024-05-01",
         "sr_tasks":[{"tid":"t","uid":"u","in_vid":"i","out_vid":"o","task_type":"SR_PREVIEW","step":"done","filename":"f.mp4",
           "request_time":"2024-02-01T11:47:39.000Z","start_time":"2024-02-01T11:47:41.000Z","finish_time":"2024-02-01T11:47:49.000Z",
           "nb_frames":"313","sr_nb_frames":"5","progress":"0"}]}
        """;

    /// docs.kokoon.cloud/docs/01-Super Resolution API/01-video/02-get all video list.
    public static readonly string VideoListExample = """
        {"all_count":7,"curr_count":2,"page_size":"2","page_num":"0","orig_type":"original","filename":"football",
         "start_date":"2023-01-01","end_date":"2024-05-01","order_field":"expired_time","order":"asc","videos":[
        """ + VideoExample + "]}";

    public async Task InitializeAsync()
    {
        _server = await UpresTestServer.StartAsync(new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0" });
        (_, _, _key) = await _server.CreateAccountAsync(credits: 1000);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonObject Body)> UploadAsync(string token, string path)
    {
        using var client = _server.Client();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token);
        using var response = await client.UploadAsync(path, "file", Base + "/video");
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private Task<(HttpStatusCode Status, JsonObject Body)> Get(string path, string? token = null) =>
        _server.SendAsync(HttpMethod.Get, path, null, ("Authorization", token ?? _key));

    private Task<(HttpStatusCode Status, JsonObject Body)> Post(string path, string json, string? token = null) =>
        _server.SendAsync(HttpMethod.Post, path, json, ("Content-Type", "application/json"), ("Authorization", token ?? _key));

    private async Task<(string Vid, JsonObject Task)> CreateTaskAsync(string body = KokoonDialectTests.DocumentExample)
    {
        var (_, original) = await UploadAsync(_key, Clips.Small(seconds: 3, width: 256, height: 144, fps: 10));
        var vid = (string)original["vid"]!;
        var (status, task) = await Post(Base + "/task", body.Replace("8eb18100-3aa0-11ee-a8b4-73df6b5af037", vid, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, status);
        return (vid, task);
    }

    [Fact]
    public async Task The_upload_answer_and_the_video_information_are_the_page_s_video_object_with_a_real_link_and_thumbnail()
    {
        var clip = Clips.Small(seconds: 2, width: 256, height: 144, fps: 10);
        var (status, video) = await UploadAsync(_key, clip);
        Assert.Equal(HttpStatusCode.OK, status);
        DocShape.Matches(VideoExample, video, optional: ["$.last_category", "$.codec_name"]);

        var (infoStatus, info) = await Get($"{Base}/video/{(string)video["vid"]!}");
        Assert.Equal(HttpStatusCode.OK, infoStatus);
        DocShape.Matches(VideoExample, info, optional: ["$.last_category"]);

        // 14 days, kokoon's lifetime for originals, not the service's 72 hours.
        var created = DateTimeOffset.Parse((string)info["created_time"]!, System.Globalization.CultureInfo.InvariantCulture);
        var expires = DateTimeOffset.Parse((string)info["expired_time"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange((expires - created).TotalDays, 13.99, 14.01);

        // The links need no key: the original comes back byte for byte, the thumbnail is a JPEG.
        using var anonymous = new HttpClient();
        Assert.Equal(await File.ReadAllBytesAsync(clip), await anonymous.GetByteArrayAsync((string)info["url"]!));
        var thumb = await anonymous.GetAsync((string)info["thumb_url"]!);
        Assert.Equal(HttpStatusCode.OK, thumb.StatusCode);
        Assert.Equal("image/jpeg", thumb.Content.Headers.ContentType?.MediaType);
        var jpeg = await thumb.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, jpeg[..2]);

        // A changed signature is refused, in kokoon's shape.
        var forged = await anonymous.GetAsync(((string)info["url"]!).Replace("sig=", "sig=x", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Equal(["message"], JsonNode.Parse(await forged.Content.ReadAsStringAsync())!.AsObject().Select(p => p.Key).ToArray());
    }

    [Fact]
    public async Task The_seed_s_task_request_is_accepted_and_answered_with_exactly_tid_in_vid_out_vid()
    {
        var (_, task) = await CreateTaskAsync();
        DocShape.Matches(TaskResponseExample, task, exact: true);
    }

    [Fact]
    public async Task Task_information_is_the_page_s_object_with_the_request_echoed_and_a_step_from_its_vocabulary()
    {
        var body = KokoonDialectTests.DocumentExample.Replace("\"use_trim_orig\" : true", "\"use_trim_orig\" : false", StringComparison.Ordinal);
        var (vid, created) = await CreateTaskAsync(body);
        var (status, task) = await Get($"{Base}/task/{(string)created["tid"]!}");

        Assert.Equal(HttpStatusCode.OK, status);
        DocShape.Matches(TaskExample, task, optional: ["$.start_time", "$.finish_time", "$.preview_orig_url", "$.preview_sr_url"]);
        Assert.Equal("ready", (string)task["step"]!);
        Assert.Equal("0", (string)task["progress"]!);
        Assert.Equal("", (string)task["result_message"]!);
        Assert.Equal(vid, (string)task["in_vid"]!);
        Assert.Equal((string)created["out_vid"]!, (string)task["out_vid"]!);
        Assert.Equal("person", (string)task["request_body"]!["category"]!);
        Assert.Equal(vid, (string)task["request_body"]!["vid"]!);
        Assert.Equal("10", (string)task["sr_nb_frames"]!);
        Assert.Equal("10/1", (string)task["fps"]!);
    }

    [Fact]
    public async Task The_task_list_pages_and_filters_as_the_page_shows()
    {
        var (_, _, key) = await _server.CreateAccountAsync(credits: 1000);
        var (_, original) = await UploadAsync(key, Clips.Small(seconds: 3, width: 256, height: 144, fps: 10));
        var vid = (string)original["vid"]!;
        var tids = new List<string>();
        foreach (var type in new[] { "SR", "SR_PREVIEW", "SR" })
        {
            var body = $$"""
                {"task_type":"{{type}}","category":"general","use_sr":true,"input_quality":"high",
                 "option":{"face_enhance":false,"denoise":false,"deinterlace":false,"add_noise":false},
                 "vid":"{{vid}}","width":512,"height":288}
                """;
            tids.Add((string)(await Post(Base + "/task", body, key)).Body["tid"]!);
        }

        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var (status, page) = await Get($"{Base}/task?step=ready,running&task_type=SR&page_num=0&page_size=1&start_date={today}&end_date={today}", key);
        Assert.Equal(HttpStatusCode.OK, status);
        DocShape.Matches(TaskListExample, page, optional: ["$.sr_tasks[].start_time", "$.sr_tasks[].finish_time"]);
        Assert.Equal(2, (int)page["all_count"]!);
        Assert.Equal(1, (int)page["curr_count"]!);
        Assert.Equal(tids[2], (string)page["sr_tasks"]![0]!["tid"]!);
        var second = (await Get($"{Base}/task?task_type=SR&page_num=1&page_size=1", key)).Body;
        Assert.Equal(tids[0], (string)second["sr_tasks"]![0]!["tid"]!);
        Assert.Equal(3, (int)(await Get($"{Base}/task", key)).Body["all_count"]!);
        Assert.Equal(0, (int)(await Get($"{Base}/task?step=done", key)).Body["all_count"]!);
        Assert.Equal(0, (int)(await Get($"{Base}/task?start_date=2001-01-01&end_date=2001-01-02", key)).Body["all_count"]!);
    }

    [Fact]
    public async Task The_video_list_holds_originals_and_sr_results_ordered_and_paged()
    {
        var (_, _, key) = await _server.CreateAccountAsync(credits: 1000);
        var (_, a) = await UploadAsync(key, Clips.Small(seconds: 1, width: 256, height: 144, fps: 10));
        var (_, b) = await UploadAsync(key, Clips.Small(seconds: 2, width: 256, height: 144, fps: 10));
        var body = KokoonDialectTests.DocumentExample.Replace("8eb18100-3aa0-11ee-a8b4-73df6b5af037", (string)a["vid"]!, StringComparison.Ordinal)
            .Replace("\"use_trim_orig\" : true", "\"use_trim_orig\" : false", StringComparison.Ordinal).Replace("\"start_pos\": 2000", "\"start_pos\": 0", StringComparison.Ordinal);
        var (_, task) = await Post(Base + "/task", body, key);

        var (status, list) = await Get($"{Base}/video?orig_type=original&order_field=created_time&order=asc&page_size=1&page_num=0", key);
        Assert.Equal(HttpStatusCode.OK, status);
        DocShape.Matches(VideoListExample, list, optional: ["$.filename", "$.start_date", "$.end_date", "$.videos[].last_category"]);
        Assert.Equal(2, (int)list["all_count"]!);
        Assert.Equal((string)a["vid"]!, (string)list["videos"]![0]!["vid"]!);

        var sr = (await Get($"{Base}/video?orig_type=sr", key)).Body;
        var result = Assert.Single(sr["videos"]!.AsArray());
        Assert.Equal((string)task["out_vid"]!, (string)result!["vid"]!);
        Assert.Equal("waiting", (string)result["state"]!);
        Assert.Equal(3, (int)(await Get($"{Base}/video", key)).Body["all_count"]!);
        var named = (await Get($"{Base}/video?filename={Uri.EscapeDataString(Path.GetFileNameWithoutExtension((string)b["filename"]!))}&orig_type=original", key)).Body;
        Assert.Equal((string)b["vid"]!, (string)named["videos"]![0]!["vid"]!);
    }

    [Fact]
    public async Task Every_error_under_kokoon_is_a_message_object()
    {
        var (_, _, poor) = await _server.CreateAccountAsync(credits: 0);
        var (_, poorVideo) = await UploadAsync(poor, Clips.Small(seconds: 3, width: 256, height: 144, fps: 10));
        var poorBody = KokoonDialectTests.DocumentExample.Replace("8eb18100-3aa0-11ee-a8b4-73df6b5af037", (string)poorVideo["vid"]!, StringComparison.Ordinal)
            .Replace("\"use_trim_orig\" : true", "\"use_trim_orig\" : false", StringComparison.Ordinal);

        Expect(HttpStatusCode.Unauthorized, "unauthorized", await Get($"{Base}/task", "wrong"));
        Expect(HttpStatusCode.PaymentRequired, "insufficient credit", await Post(Base + "/task", poorBody, poor));
        Expect(HttpStatusCode.NotFound, null, await Get($"{Base}/task/job_nothing"));
        Expect(HttpStatusCode.NotFound, null, await Get("/kokoon/api/sr/v3/nothing-here"));
        Expect(HttpStatusCode.NotFound, null, await Get("/kokoon/anything"));
        Expect(HttpStatusCode.MethodNotAllowed, null, await _server.SendAsync(HttpMethod.Delete, $"{Base}/task", null, ("Authorization", _key)));
        Expect(HttpStatusCode.MethodNotAllowed, null, await _server.SendAsync(HttpMethod.Put, $"{Base}/video", "{}", ("Authorization", _key)));
        Expect(HttpStatusCode.RequestEntityTooLarge, null, await Post(Base + "/task", "{\"x\":\"" + new string('a', 70_000) + "\"}"));
        Expect(HttpStatusCode.BadRequest, null, await Get($"{Base}/task?page_size=2"));
        Expect(HttpStatusCode.BadRequest, null, await Get($"{Base}/task?step=finished"));
        Expect(HttpStatusCode.BadRequest, null, await Get($"{Base}/video?order=sideways"));
        Expect(HttpStatusCode.BadRequest, null, await Get($"{Base}/video?start_date=yesterday"));
    }

    [Fact]
    public async Task Rate_limits_and_crashes_under_kokoon_are_message_objects_too()
    {
        await using var limited = await UpresTestServer.StartAsync(new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0", ["UPRES_RATE_LIMIT_PER_MINUTE"] = "1", ["UPRES_AUTH_FAILURES_PER_MINUTE"] = "1" });
        await limited.SendAsync(HttpMethod.Get, $"{Base}/task", null, ("Authorization", "k"));
        Expect(HttpStatusCode.TooManyRequests, "too many requests", await limited.SendAsync(HttpMethod.Get, $"{Base}/task", null, ("Authorization", "k")));

        await using var broken = await UpresTestServer.StartAsync(new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0" },
            builder => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Upres.Service.Uploads.IUploadStore, BrokenUploadStore>(builder.Services));
        var (_, _, key) = await broken.CreateAccountAsync();
        Expect(HttpStatusCode.InternalServerError, "internal error", await broken.SendAsync(HttpMethod.Get, $"{Base}/video", null, ("Authorization", key)));
    }

    private static void Expect(HttpStatusCode status, string? message, (HttpStatusCode Status, JsonObject Body) answer)
    {
        Assert.Equal(status, answer.Status);
        Assert.Equal(["message"], answer.Body.Select(p => p.Key).ToArray());
        Assert.False(string.IsNullOrWhiteSpace((string)answer.Body["message"]!));
        if (message is not null)
        {
            Assert.Equal(message, (string)answer.Body["message"]!);
        }
    }
}
