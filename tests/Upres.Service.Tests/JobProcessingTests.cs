using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// Jobs processed end to end by the real engine (ffmpeg decode, the ONNX model, ffmpeg encode) on
/// tiny clips, through a real server and SQLite file.
[Collection("processing")]
public sealed class JobProcessingTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _server = await UpresTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["UPRES_FETCH_ALLOW"] = "127.0.0.1:*", ["UPRES_WEBHOOK_ALLOW"] = "127.0.0.1:*",
            ["UPRES_LEASE_SECONDS"] = "3",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_job_is_processed_charged_once_notified_once_and_its_result_downloads_with_range()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 50);
        var upload = await client.UploadIdAsync(Clips.Tiny(seconds: 1));
        var created = await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, scale = 2, webhook_url = _receiver.Url("/done") })).ReadObjectAsync();
        var id = (string)created["id"]!;

        var job = await client.JobFinishedAsync(id);
        Assert.Equal("completed", (string)job["status"]!);
        Assert.Equal(100.0, (double)job["progress"]!);
        var url = (string)job["result"]!["url"]!;
        Assert.True(DateTimeOffset.Parse((string)job["result"]!["expires_at"]!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddHours(23));

        using var anonymous = new HttpClient();
        var file = await anonymous.GetByteArrayAsync(url);
        var path = Path.Combine(_server.DataDirectory, "downloaded.mp4");
        await File.WriteAllBytesAsync(path, file);
        var probe = Clips.Probe(path);
        Assert.Equal((256, 256), (probe.Width, probe.Height));
        Assert.InRange(probe.Duration, 0.9, 1.2);
        Assert.True(probe.Audio);

        using var range = new HttpRequestMessage(HttpMethod.Get, url);
        range.Headers.Range = new RangeHeaderValue(10, 19);
        var partial = await anonymous.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(file[10..20], await partial.Content.ReadAsByteArrayAsync());

        var forged = await anonymous.GetAsync(url.Replace("sig=", "sig=x", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal(49, (long)me["account"]!["balance"]!);
        Assert.Equal(0, (long)me["account"]!["reserved"]!);
        var deliveries = await _receiver.WaitForAsync(1);
        var hook = Assert.Single(deliveries, d => d.Path == "/done");
        var body = JsonNode.Parse(hook.Body)!;
        Assert.Equal("job.completed", (string)body["type"]!);
        Assert.NotNull(body["data"]!["result"]!["url"]);

        var metrics = await (await anonymous.GetAsync(new Uri(_server.BaseAddress, "/metrics"))).Content.ReadAsStringAsync();
        Assert.Equal(1, PrometheusText.Value(metrics, "upres_jobs", "state=\"completed\""));
        Assert.Equal(1, PrometheusText.Value(metrics, "upres_queue_wait_seconds_count"));
        Assert.Equal(1, PrometheusText.Value(metrics, "upres_work_claims_total", "kind=\"job\""));
        Assert.Equal(1, PrometheusText.Value(metrics, "upres_webhook_deliveries_total"));

        var deleted = await client.DeleteAsync($"/v1/jobs/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(_server.DataDirectory, "results", id)));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/jobs/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Progress_webhooks_arrive_at_quarter_marks_before_the_one_completion()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 50);
        // Long enough (80 frames) to span several heartbeats, which carry the progress.
        var upload = await client.UploadIdAsync(Clips.Small(seconds: 8));
        var created = await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, webhook_url = _receiver.Url("/progress"), webhook_progress = true });
        var id = (string)(await created.ReadObjectAsync())["id"]!;
        Assert.Equal("completed", (string)(await client.JobFinishedAsync(id))["status"]!);

        await _receiver.WaitUntilAsync(ds => ds.Any(d => d.Path == "/progress" && d.Body.Contains("\"job.completed\"", StringComparison.Ordinal)));
        // A progress event that lost the race with the end would arrive after it: give it the time to.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var events = _receiver.Deliveries.Where(d => d.Path == "/progress").Select(d => JsonNode.Parse(d.Body)!).ToList();
        var types = events.Select(e => (string)e["type"]!).ToList();
        Assert.Equal("job.completed", types[^1]);
        Assert.Single(types, t => t == "job.completed");
        var progress = events.Where(e => (string)e["type"]! == "job.progress").Select(e => (double)e["data"]!["progress"]!).ToList();
        Assert.InRange(progress.Count, 1, 3);
        Assert.All(progress, p => Assert.InRange(p, 25, 99.9));
        Assert.Equal(progress.Order(), progress);
        Assert.Equal(progress.Distinct().Count(), progress.Count);
    }

    [Fact]
    public async Task Progress_streams_as_server_sent_events_until_the_job_ends()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 50);
        var upload = await client.UploadIdAsync(Clips.Tiny(seconds: 1));
        var id = (string)(await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload } })).ReadObjectAsync())["id"]!;

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{id}/events");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("event: done", events[^1], StringComparison.Ordinal);
        Assert.Contains("\"status\":\"completed\"", events[^1], StringComparison.Ordinal);
        Assert.True(events.Length >= 2, text);
    }

    [Fact]
    public async Task Cancelling_a_running_job_stops_the_engine_and_releases_the_credits()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 500);
        var clip = Clips.Small(seconds: 20, width: 320, height: 180, fps: 10);
        var upload = await client.UploadIdAsync(clip);
        var id = (string)(await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, webhook_url = _receiver.Url("/cancelled") })).ReadObjectAsync())["id"]!;
        await client.JobUntilAsync(id, j => (long)j["frames_done"]! > 0 || (string)j["status"]! != "queued" && (string)j["status"]! != "processing");
        var started = DateTimeOffset.UtcNow;
        // The answer comes before the worker has stopped: still processing, with the cancel requested.
        var answer = await (await client.PostAsync($"/v1/jobs/{id}/cancel", null)).ReadObjectAsync();
        Assert.Equal("processing", (string)answer["status"]!);
        Assert.True((bool)answer["cancel_requested"]!);
        var job = await client.JobFinishedAsync(id, TimeSpan.FromSeconds(60));
        Assert.Equal("cancelled", (string)job["status"]!);
        Assert.False((bool)job["cancel_requested"]!);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(30));
        Assert.True((long)job["frames_done"]! < (long)job["frames_total"]!);
        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal(500, (long)me["account"]!["balance"]!);
        Assert.Equal(0, (long)me["account"]!["reserved"]!);
        // The output never left the worker's scratch folder: no result folder was made for the job.
        Assert.False(Directory.Exists(Path.Combine(_server.DataDirectory, "results", id)));
        Assert.Empty(Directory.GetFiles(Path.Combine(_server.DataDirectory, "tmp"), $"{id}*"));
        var deliveries = await _receiver.WaitForAsync(1);
        Assert.Equal("job.cancelled", (string)JsonNode.Parse(Assert.Single(deliveries, d => d.Path == "/cancelled").Body)!["type"]!);
    }

    [Fact]
    public async Task A_file_whose_header_understates_its_length_is_priced_as_declared_then_fails_with_frames_exceed_declared_uncharged()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 50);
        var upload = await client.UploadIdAsync(Clips.UnderstatedLength());
        var created = await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload } })).ReadObjectAsync();
        Assert.InRange((long)created["price"]!, 1, 4); // one second's price; the 30 s inside would cost 30 times more
        var job = await client.JobFinishedAsync((string)created["id"]!, TimeSpan.FromMinutes(2));
        Assert.Equal("failed", (string)job["status"]!);
        Assert.Equal("frames_exceed_declared", (string)job["error"]!["code"]!);
        Assert.True((long)job["frames_done"]! <= 15, job.ToJsonString());
        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal((50L, 0L), ((long)me["account"]!["balance"]!, (long)me["account"]!["reserved"]!));
    }

    [Fact]
    public async Task A_job_whose_input_vanished_fails_with_the_engine_code_and_is_not_charged()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 50);
        var copy = Path.Combine(_server.DataDirectory, "vanishing.mp4");
        File.Copy(Clips.Tiny(), copy);
        var upload = await client.UploadIdAsync(copy);
        // The upload was checked when it arrived; its file is gone by the time the worker opens it.
        var uploadPath = Path.Combine(_server.DataDirectory, "uploads", upload);
        File.Delete(uploadPath);
        var id = (string)(await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload } })).ReadObjectAsync())["id"]!;
        var job = await client.JobFinishedAsync(id);
        Assert.Equal("failed", (string)job["status"]!);
        Assert.False(string.IsNullOrEmpty((string)job["error"]!["code"]!));
        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal(50, (long)me["account"]!["balance"]!);
        Assert.Equal(0, (long)me["account"]!["reserved"]!);
    }
}
