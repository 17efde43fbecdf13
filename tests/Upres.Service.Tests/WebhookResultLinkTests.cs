using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Upres.Service.Tests.Infrastructure;
using Upres.Service.Webhooks;

namespace Upres.Service.Tests;

/// A completed job's webhook carries a result link signed when the attempt is sent: a retry hours
/// after the job ended carries a link that still opens, under the same message id and a valid signature.
[Collection("processing")]
public sealed class WebhookResultLinkTests : IAsyncLifetime
{
    private readonly ShiftedClock _clock = new();
    private UpresTestServer _server = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _server = await UpresTestServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["UPRES_WEBHOOK_ALLOW"] = "127.0.0.1:*",
                ["UPRES_RESULT_LINK_HOURS"] = "1",
                // The retry waits for the test to move the clock, never for real time.
                ["UPRES_WEBHOOK_RETRY_BASE_MS"] = "600000",
            },
            builder => builder.Services.AddSingleton<TimeProvider>(_clock));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_retry_hours_later_carries_a_fresh_unexpired_result_link()
    {
        _receiver.Answer(503);
        var (_, client, _) = await _server.CreateAccountAsync(credits: 50);
        var secret = (string)(await (await client.GetAsync("/v1/account")).ReadObjectAsync())["account"]!["webhook_secret"]!;
        var upload = await client.UploadIdAsync(Clips.Tiny(seconds: 1));
        var created = await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, scale = 2, webhook_url = _receiver.Url("/late") })).ReadObjectAsync();
        var id = (string)created["id"]!;
        Assert.Equal("completed", (string)(await client.JobFinishedAsync(id))["status"]!);

        var first = Assert.Single(await _receiver.WaitUntilAsync(ds => ds.Count >= 1));
        var firstLink = ResultOf(first);
        Assert.True(firstLink.ExpiresAt <= _clock.GetUtcNow().AddHours(1));

        _clock.Advance(TimeSpan.FromHours(2));
        var deliveries = await _receiver.WaitUntilAsync(ds => ds.Count >= 2);
        Assert.Equal(2, deliveries.Count);
        var retry = deliveries[1];
        Assert.Equal(first.Id, retry.Id);
        Assert.True(WebhookSignature.Verify(secret, retry.Id, retry.Timestamp, retry.Body, retry.Signature));

        var link = ResultOf(retry);
        Assert.True(link.ExpiresAt > _clock.GetUtcNow().AddMinutes(50), $"the retried link expires at {link.ExpiresAt:O}, the clock says {_clock.GetUtcNow():O}");
        using var anonymous = new HttpClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(firstLink.Url)).StatusCode);
        var download = await anonymous.GetAsync(link.Url);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.True((await download.Content.ReadAsByteArrayAsync()).Length > 0);

        // The outbox keeps what was sent last.
        var message = Assert.Single((await (await client.GetAsync($"/v1/jobs/{id}/webhooks")).Content.ReadFromJsonAsync<JsonArray>())!)!;
        Assert.Equal("delivered", (string)message["status"]!);
        Assert.Equal(2, (int)message["attempts"]!);
    }

    private static (string Url, DateTimeOffset ExpiresAt) ResultOf(WebhookReceiver.Delivery delivery)
    {
        var body = JsonNode.Parse(delivery.Body)!;
        Assert.Equal("job.completed", (string)body["type"]!);
        var result = body["data"]!["result"]!;
        return ((string)result["url"]!, DateTimeOffset.Parse((string)result["expires_at"]!, CultureInfo.InvariantCulture));
    }
}
