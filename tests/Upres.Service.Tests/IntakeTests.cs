using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Upres.Service.Tests.Dialects;
using Upres.Service.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Upres.Service.Tests;

/// Intake does no media work: every door's create answers without fetching its URL input, an account
/// below the least price is refused before the file's server sees a request, and what the worker's
/// prepare stage finds (a vendor's limit, a short balance) ends the job in that door's words.
[Collection("processing")]
public sealed class IntakeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private UpresTestServer _server = null!;
    private TrickleServer _slow = null!;
    private FileServer _site = null!;

    public async Task InitializeAsync()
    {
        _slow = await TrickleServer.StartAsync();
        _site = await FileServer.StartAsync();
        _server = await UpresTestServer.StartAsync(new Dictionary<string, string?> { ["UPRES_FETCH_ALLOW"] = "127.0.0.1:*", ["UPRES_WEBHOOK_ALLOW"] = "127.0.0.1:*" });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _slow.DisposeAsync();
        await _site.DisposeAsync();
    }

    /// Each door's create of a job on `url`, with that door's key header.
    private IEnumerable<(string Door, Func<Task<(HttpStatusCode Status, JsonObject Body)>> Create)> Doors(string key, string url) =>
    [
        ("native", () => NativeCreateAsync(key, url)),
        ("kieai", () => _server.SendAsync(HttpMethod.Post, "/api/v1/jobs/createTask",
            $$$"""{"model":"topaz/video-upscale","input":{"video_url":"{{{url}}}","upscale_factor":"2"}}""",
            ("Authorization", $"Bearer {key}"), ("Content-Type", "application/json"))),
        ("hitpaw", () => _server.SendAsync(HttpMethod.Post, "/api/v3/video-enhancer/export",
            $$"""{"video_url":"{{url}}","model_id":17,"resolution":[640,360]}""", ("ApiKey", key), ("Content-Type", "application/json"))),
        ("mingyan", () => _server.SendAsync(HttpMethod.Post, "/kyyReactApiServer/v1/super-resolution/videos",
            $$"""{"model":"superResolution-720p-lowfps","videoUrl":"{{url}}"}""", ("Authorization", $"Bearer {key}"), ("Content-Type", "application/json"))),
    ];

    /// The native door answers refusals as problem+json, which the vendor client helper refuses.
    private async Task<(HttpStatusCode Status, JsonObject Body)> NativeCreateAsync(string key, string url)
    {
        using var client = _server.Client(key);
        var response = await client.PostAsJsonAsync("/v1/jobs", new { input = new { url }, scale = 2 });
        return (response.StatusCode, await response.ReadObjectAsync());
    }

    [Fact]
    public async Task Every_door_answers_a_create_at_once_for_a_100_MB_input_served_slowly()
    {
        var (_, _, key) = await _server.CreateAccountAsync(credits: 100);
        foreach (var (door, create) in Doors(key, _slow.SlowUrl()))
        {
            var clock = Stopwatch.StartNew();
            var (status, body) = await create();
            clock.Stop();
            output.WriteLine($"{door}: {(int)status} in {clock.Elapsed.TotalMilliseconds:0} ms");
            // kie.ai documents its 10 MB limit as a createTask refusal: its one bounded look at the URL
            // reads the declared size. Every other door queues the job.
            var expected = door == "kieai" ? HttpStatusCode.UnprocessableEntity : door == "native" ? HttpStatusCode.Created : HttpStatusCode.OK;
            Assert.True(status == expected, $"{door}: {(int)status} {body.ToJsonString()}");
            // The whole file takes about seven hours at this rate; the fetch is the worker's.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{door} took {clock.Elapsed.TotalSeconds:0.0} s to create");
        }
    }

    [Fact]
    public async Task An_account_without_credit_is_refused_at_every_door_and_the_file_server_sees_no_request()
    {
        var (_, native, key) = await _server.CreateAccountAsync(credits: 0);
        foreach (var (door, create) in Doors(key, _slow.SlowUrl()))
        {
            var (status, body) = await create();
            output.WriteLine($"{door}: {(int)status} {body.ToJsonString()}");
            Assert.True((int)status is 402 or 400, $"{door}: {(int)status} {body.ToJsonString()}");
        }

        Assert.Equal(0, _slow.Requests);
        var jobs = await (await native.GetAsync("/v1/jobs")).ReadObjectAsync();
        Assert.Empty(jobs["data"]!.AsArray());
    }

    [Fact]
    public async Task A_vendor_limit_found_by_the_worker_fails_the_job_in_its_words_and_charges_nothing()
    {
        var (_, native, key) = await _server.CreateAccountAsync(credits: 100);
        // kie.ai takes MP4, MOV and MKV. An MPEG-TS file's first bytes name no container the
        // create's glance knows, so the worker's probe finds it, and the task fails in kie's words.
        var ts = Clips.Make("refused.ts",
            ["-f", "lavfi", "-i", "testsrc2=size=160x128:rate=10", "-t", "0.5", "-c:v", "libx264", "-preset", "ultrafast", "-f", "mpegts"]);
        var url = _site.Serve(ts, "refused.ts");

        var (status, created) = await _server.SendAsync(HttpMethod.Post, "/api/v1/jobs/createTask",
            $$$"""{"model":"topaz/video-upscale","input":{"video_url":"{{{url}}}","upscale_factor":"2"}}""",
            ("Authorization", $"Bearer {key}"), ("Content-Type", "application/json"));
        Assert.Equal(HttpStatusCode.OK, status);
        var taskId = (string)created["data"]!["taskId"]!;

        JsonObject record;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(120);
        do
        {
            await Task.Delay(200);
            record = (await _server.SendAsync(HttpMethod.Get, $"/api/v1/jobs/recordInfo?taskId={taskId}", null, ("Authorization", $"Bearer {key}"))).Body["data"]!.AsObject();
        }
        while ((string)record["state"]! is "waiting" or "queuing" or "generating" && DateTimeOffset.UtcNow < deadline);

        Assert.Equal("fail", (string)record["state"]!);
        Assert.Contains("is not supported; use video/mp4, video/quicktime or video/x-matroska", (string)record["failMsg"]!, StringComparison.Ordinal);
        Assert.Equal(100, await native.BalanceAsync());
        Assert.Equal(100, await native.AvailableAsync());
    }

    [Fact]
    public async Task A_balance_short_of_the_real_price_fails_the_job_in_its_prepare_stage_and_reserves_nothing()
    {
        // One credit passes the create's least-price check; three seconds cost three.
        var (_, native, _) = await _server.CreateAccountAsync(credits: 1);
        var url = _site.Serve(Clips.Small(seconds: 3, width: 160, height: 128, fps: 5), "three-seconds.mp4");

        var created = await native.PostAsJsonAsync("/v1/jobs", new { input = new { url }, scale = 2 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var job = await created.ReadObjectAsync();
        Assert.Equal(0, (long)job["price"]!);
        Assert.Null(job["output"]);

        var ended = await native.JobFinishedAsync((string)job["id"]!, TimeSpan.FromMinutes(2));
        Assert.Equal("failed", (string)ended["status"]!);
        Assert.Equal("insufficient_credits", (string)ended["error"]!["code"]!);
        Assert.Equal(3, (long)ended["price"]!);
        Assert.Equal(1, await native.BalanceAsync());
        Assert.Equal(1, await native.AvailableAsync());
    }

    [Fact]
    public async Task A_URL_estimate_is_a_job_the_worker_prepares_and_it_charges_nothing()
    {
        var (_, native, _) = await _server.CreateAccountAsync(credits: 10);
        var url = _site.Serve(Clips.Small(seconds: 2, width: 160, height: 128, fps: 5), "estimate.mp4");

        var created = await native.PostAsJsonAsync("/v1/jobs", new { input = new { url }, scale = 2, estimate_only = true });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var job = await created.ReadObjectAsync();
        Assert.True((bool)job["estimate_only"]!);
        Assert.Equal($"/v1/jobs/{(string)job["id"]!}", created.Headers.Location!.ToString());

        var ended = await native.JobFinishedAsync((string)job["id"]!, TimeSpan.FromMinutes(2));
        Assert.Equal("completed", (string)ended["status"]!);
        Assert.Equal(2, (long)ended["price"]!);
        Assert.Equal((320, 256), ((int)ended["output"]!["width"]!, (int)ended["output"]!["height"]!));
        Assert.Equal(10, (long)ended["output"]!["frames"]!);
        Assert.Null(ended["result"]);
        Assert.Equal(10, await native.BalanceAsync());
        Assert.Equal(10, await native.AvailableAsync());
    }
}
