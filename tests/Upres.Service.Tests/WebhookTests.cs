using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Upres.Service.Tests.Infrastructure;
using Upres.Service.Webhooks;

namespace Upres.Service.Tests;

/// Webhooks from a real server to a real receiver on loopback (allowed by UPRES_WEBHOOK_ALLOW).
/// Jobs here end without processing (cancelled while queued, or failed because their input vanished),
/// so these tests do not wait on the engine.
public sealed class WebhookTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _server = await UpresTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["UPRES_WORKERS"] = "0",
            ["UPRES_FETCH_ALLOW"] = "127.0.0.1:*", ["UPRES_WEBHOOK_ALLOW"] = "127.0.0.1:*",
            ["UPRES_WEBHOOK_RETRY_BASE_MS"] = "200",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private Task<(HttpClient Client, string Secret, string JobId)> QueuedJobAsync(string path) => QueuedJobToAsync(_receiver.Url(path));

    private async Task<(HttpClient Client, string Secret, string JobId)> QueuedJobToAsync(string webhookUrl)
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 100);
        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        var id = await client.UploadIdAsync(Clips.Small());
        var job = await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = id }, webhook_url = webhookUrl, metadata = new { order = 7 } })).ReadObjectAsync();
        return (client, (string)me["account"]!["webhook_secret"]!, (string)job["id"]!);
    }

    [Fact]
    public async Task A_receiver_that_never_answers_delays_only_its_own_messages()
    {
        await using var silent = SilentReceiver.Start();
        var stuck = new List<(HttpClient Client, string JobId)>();
        for (var i = 0; i < 3; i++)
        {
            var (client, _, jobId) = await QueuedJobToAsync(silent.Url($"/never/{i}"));
            await client.PostAsync($"/v1/jobs/{jobId}/cancel", null);
            stuck.Add((client, jobId));
        }

        // The silent host holds as many attempts as one destination may have (2 by default).
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        while (silent.Accepted < 2 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var (other, _, otherJob) = await QueuedJobAsync("/beside-silent");
        await other.PostAsync($"/v1/jobs/{otherJob}/cancel", null);
        var delivered = await _receiver.WaitUntilAsync(ds => ds.Any(d => d.Path == "/beside-silent"), TimeSpan.FromSeconds(10));
        Assert.Contains(delivered, d => d.Path == "/beside-silent");

        // Delivered while the silent receiver's attempts were still waiting for an answer: none of them
        // has ended, and the third message waits for a slot of its own destination.
        foreach (var (client, jobId) in stuck)
        {
            var messages = await (await client.GetAsync($"/v1/jobs/{jobId}/webhooks")).Content.ReadFromJsonAsync<JsonArray>();
            Assert.Equal(0, (int)Assert.Single(messages!)!["attempts"]!);
        }

        Assert.Equal(2, silent.Accepted);
        Assert.Equal(2, silent.MaxOpenAtOnce);
    }

    [Fact]
    public async Task A_cancelled_job_notifies_once_with_a_standard_webhooks_signature_and_releases_its_credits()
    {
        var (client, secret, jobId) = await QueuedJobAsync("/cancel");
        await client.PostAsync($"/v1/jobs/{jobId}/cancel", null);
        var deliveries = await _receiver.WaitForAsync(1);
        await Task.Delay(500);
        var mine = _receiver.Deliveries.Where(d => d.Path == "/cancel").ToList();
        var d = Assert.Single(mine);
        Assert.True(WebhookSignature.Verify(secret, d.Id, d.Timestamp, d.Body, d.Signature));
        Assert.False(WebhookSignature.Verify(secret, d.Id, d.Timestamp, d.Body + " ", d.Signature));
        var body = JsonNode.Parse(d.Body)!;
        Assert.Equal("job.cancelled", (string)body["type"]!);
        Assert.Equal(jobId, (string)body["data"]!["id"]!);
        Assert.Equal(7, (int)body["data"]!["metadata"]!["order"]!);

        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal(0, (long)me["account"]!["reserved"]!);
        Assert.Equal(100, (long)me["account"]!["balance"]!);
        var kinds = me["ledger"]!.AsArray().Select(e => (string)e!["kind"]!).ToList();
        Assert.Equal(["release", "reserve", "grant"], kinds);

        var attempts = await (await client.GetAsync($"/v1/jobs/{jobId}/webhooks")).Content.ReadFromJsonAsync<JsonArray>();
        var message = Assert.Single(attempts!)!;
        Assert.Equal("delivered", (string)message["status"]!);
        Assert.Equal(200, (int)message["attempt_log"]![0]!["status_code"]!);
    }

    [Fact]
    public async Task Failed_deliveries_are_retried_with_backoff_and_redirects_are_not_followed()
    {
        _receiver.Answer(500, 302);
        var (client, _, jobId) = await QueuedJobAsync("/retry");
        await client.PostAsync($"/v1/jobs/{jobId}/cancel", null);
        await Poll.UntilAsync(
            async () => (await (await client.GetAsync($"/v1/jobs/{jobId}/webhooks")).Content.ReadFromJsonAsync<JsonArray>())![0]!.AsObject(),
            m => (string)m["status"]! == "delivered");
        var mine = _receiver.Deliveries.Where(d => d.Path == "/retry").ToList();
        Assert.Equal(3, mine.Count);
        Assert.DoesNotContain(_receiver.Deliveries, d => d.Path == "/redirected");
        Assert.Single(mine.Select(d => d.Id).Distinct());
        Assert.Single(mine.Select(d => d.Body).Distinct());
        Assert.True(mine[2].At - mine[1].At >= TimeSpan.FromMilliseconds(250), "the second retry waits about twice the first");
    }

    [Fact]
    public async Task A_410_disables_the_message()
    {
        _receiver.Answer(410);
        var (client, _, jobId) = await QueuedJobAsync("/gone");
        await client.PostAsync($"/v1/jobs/{jobId}/cancel", null);
        var message = await Poll.UntilAsync(
            async () => (await (await client.GetAsync($"/v1/jobs/{jobId}/webhooks")).Content.ReadFromJsonAsync<JsonArray>())![0]!.AsObject(),
            m => (string)m["status"]! != "pending");
        Assert.Equal("disabled", (string)message["status"]!);
        await Task.Delay(1000);
        Assert.Single(_receiver.Deliveries, d => d.Path == "/gone");
    }

    [Fact]
    public async Task Backoff_doubles_with_jitter_and_is_capped()
    {
        var first = TimeSpan.FromSeconds(5);
        Assert.Equal(TimeSpan.FromSeconds(5), WebhookDispatcher.Backoff(1, 0.5, first));
        Assert.Equal(TimeSpan.FromSeconds(40), WebhookDispatcher.Backoff(4, 0.5, first));
        Assert.InRange(WebhookDispatcher.Backoff(2, 0, first).TotalSeconds, 7.4, 7.6);
        Assert.InRange(WebhookDispatcher.Backoff(2, 1, first).TotalSeconds, 12.4, 12.6);
        Assert.Equal(TimeSpan.FromHours(4), WebhookDispatcher.Backoff(40, 0.5, first));
    }
}
