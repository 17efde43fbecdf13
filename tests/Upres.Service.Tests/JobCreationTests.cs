using System.Net;
using System.Net.Http.Json;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// Uploads and creates against a real server, real SQLite and real ffprobe; no processing needed
/// (the worker is off, so jobs stay queued).
public sealed class JobCreationTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;

    public async Task InitializeAsync() => _server = await UpresTestServer.StartAsync(new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0", ["UPRES_MAX_UPLOAD_MB"] = "1" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_upload_is_probed_and_a_job_from_it_is_priced_estimated_and_reserved()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 100);
        var upload = await (await client.UploadAsync(Clips.Small(seconds: 1.2))).ReadObjectAsync();
        Assert.Equal(160, (int)upload["width"]!);

        var response = await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = (string)upload["id"]! }, scale = 2 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var job = await response.ReadObjectAsync();
        Assert.Equal("queued", (string)job["status"]!);
        Assert.Equal(320, (int)job["output"]!["width"]!);
        // 1.2 s rounds up to 2 billable seconds at the 720p30 rate of 1 credit/s.
        Assert.Equal(2, (long)job["price"]!);
        Assert.True((double)job["estimate_seconds"]! > 0);

        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal(2, (long)me["account"]!["reserved"]!);
        Assert.Equal(98, (long)me["account"]!["available"]!);
    }

    [Fact]
    public async Task An_estimate_only_request_prices_without_creating_or_reserving()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 100);
        var id = await client.UploadIdAsync(Clips.Small());
        var estimate = await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = id }, width = 1920, height = 1080, estimate_only = true })).ReadObjectAsync();
        Assert.Equal(2, (long)estimate["price"]!);
        Assert.Equal("1080p30", (string)estimate["price_tier"]!);
        var list = await (await client.GetAsync("/v1/jobs")).ReadObjectAsync();
        Assert.Empty(list["data"]!.AsArray());
    }

    [Fact]
    public async Task A_retried_create_with_the_same_idempotency_key_returns_the_same_job_and_a_different_body_is_refused()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 100);
        var id = await client.UploadIdAsync(Clips.Small());
        async Task<HttpResponseMessage> Create(int scale)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = JsonContent.Create(new { input = new { upload_id = id }, scale }) };
            request.Headers.Add("Idempotency-Key", "order-42");
            return await client.SendAsync(request);
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Create(2)));
        var ids = new HashSet<string>();
        foreach (var r in responses)
        {
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
            ids.Add((string)(await r.ReadObjectAsync())["id"]!);
        }

        Assert.Single(ids);
        var reused = await Create(4);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("idempotency_key_reused", (string)(await reused.ReadObjectAsync())["code"]!);
        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal(1, (long)me["account"]!["reserved"]!);
    }

    [Fact]
    public async Task A_short_balance_gets_402_with_a_clear_message_and_nothing_is_reserved()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 1);
        var id = await client.UploadIdAsync(Clips.Small(seconds: 3));
        var response = await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = id } });
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var problem = await response.ReadObjectAsync();
        Assert.Equal("insufficient_credits", (string)problem["code"]!);
        Assert.Contains("costs 3 credits", (string)problem["detail"]!, StringComparison.Ordinal);
        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal(0, (long)me["account"]!["reserved"]!);
    }

    [Fact]
    public async Task Uploads_over_the_size_cap_are_refused_with_413()
    {
        var (_, client, _) = await _server.CreateAccountAsync();
        var big = Clips.Make("big.mp4", ["-f", "lavfi", "-i", "testsrc2=size=640x480:rate=30", "-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0"]);
        Assert.True(new FileInfo(big).Length > 1024 * 1024);
        var response = await client.UploadAsync(big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", (string)(await response.ReadObjectAsync())["code"]!);
        var uploads = Path.Combine(_server.DataDirectory, "uploads");
        Assert.True(!Directory.Exists(uploads) || Directory.GetFiles(uploads).Length == 0);
    }

    [Fact]
    public async Task Bad_fields_get_a_400_problem_naming_the_field()
    {
        var (_, client, _) = await _server.CreateAccountAsync();
        var id = await client.UploadIdAsync(Clips.Small());
        var response = await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = id }, scale = 9 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("scale", (string)(await response.ReadObjectAsync())["detail"]!, StringComparison.Ordinal);
        var unknown = await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = id }, model = "nope" });
        Assert.Equal("unknown_model", (string)(await unknown.ReadObjectAsync())["code"]!);
        var missing = await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = "upl_missing" } });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var broken = await client.PostAsync("/v1/jobs", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal("application/problem+json", broken.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Jobs_are_listed_newest_first_with_cursor_paging_and_filters()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 100);
        var id = await client.UploadIdAsync(Clips.Small());
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((string)(await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = id } })).ReadObjectAsync())["id"]!);
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await client.GetAsync($"/v1/jobs?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}")).ReadObjectAsync();
            seen.AddRange(page["data"]!.AsArray().Select(j => (string)j!["id"]!));
            cursor = (string?)page["next_cursor"];
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(created), seen);
        var cancelled = await client.PostAsync($"/v1/jobs/{created[0]}/cancel", null);
        Assert.Equal("cancelled", (string)(await cancelled.ReadObjectAsync())["status"]!);
        var onlyCancelled = await (await client.GetAsync("/v1/jobs?status=cancelled")).ReadObjectAsync();
        Assert.Equal(created[0], (string)onlyCancelled["data"]![0]!["id"]!);
        Assert.Single(onlyCancelled["data"]!.AsArray());
    }

    [Fact]
    public async Task A_codec_its_container_cannot_carry_is_refused_at_create_for_an_upload_and_a_url_and_nothing_is_reserved()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 100);
        var id = await client.UploadIdAsync(Clips.Small());
        object[] inputs = [new { upload_id = id }, new { url = "https://media.example/clip.mp4" }];
        foreach (var input in inputs)
        {
            foreach (var estimateOnly in new[] { false, true })
            {
                var response = await client.PostAsJsonAsync("/v1/jobs", new { input, scale = 2, codec = "vp9", container = "mov", estimate_only = estimateOnly });

                Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                var problem = await response.ReadObjectAsync();
                Assert.Equal("unsupported_container_codec", (string)problem["code"]!);
                Assert.Equal("vp9 video cannot be written to mov; pick another codec or container.", (string)problem["detail"]!);
            }
        }

        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal((100L, 0L, 100L), ((long)me["account"]!["balance"]!, (long)me["account"]!["reserved"]!, (long)me["account"]!["available"]!));
        Assert.Empty((await (await client.GetAsync("/v1/jobs")).ReadObjectAsync())["data"]!.AsArray());
        var accepted = await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = id }, scale = 2, codec = "vp9", container = "mkv" });
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }
}
