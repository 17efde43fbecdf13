using System.Net.Http.Json;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// /metrics is OpenTelemetry's Prometheus exporter: our instruments under their old names beside
/// ASP.NET Core's, Kestrel's and the runtime's.
public sealed class MetricsTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;
    private UpresTestServer _other = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        var settings = new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0", ["UPRES_WEBHOOK_ALLOW"] = "127.0.0.1:*", ["UPRES_WEBHOOK_RETRY_BASE_MS"] = "600000" };
        var servers = await Task.WhenAll(UpresTestServer.StartAsync(settings), UpresTestServer.StartAsync(settings));
        (_server, _other) = (servers[0], servers[1]);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _other.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private static async Task<string> ScrapeAsync(UpresTestServer server)
    {
        using var anonymous = new HttpClient();
        var response = await anonymous.GetAsync(new Uri(server.BaseAddress, "/metrics"));
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Job_states_and_webhook_failures_are_exported_beside_the_framework_meters()
    {
        _receiver.Answer(500);
        var (_, client, _) = await _server.CreateAccountAsync(credits: 100);
        var upload = await client.UploadIdAsync(Clips.Small());
        var queued = (string)(await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload } })).ReadObjectAsync())["id"]!;
        var cancelled = (string)(await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, webhook_url = _receiver.Url("/fail") })).ReadObjectAsync())["id"]!;
        await client.PostAsync($"/v1/jobs/{cancelled}/cancel", null);
        await Poll.UntilAsync(async () => (await (await client.GetAsync($"/v1/jobs/{cancelled}/webhooks")).Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonArray>())![0]!.AsObject(),
            m => (int)m["attempts"]! == 1, TimeSpan.FromSeconds(30));

        var text = await ScrapeAsync(_server);
        Assert.Equal(1, PrometheusText.Value(text, "upres_jobs", "state=\"queued\""));
        Assert.Equal(1, PrometheusText.Value(text, "upres_jobs", "state=\"cancelled\""));
        Assert.Equal(2, PrometheusText.Value(text, "upres_jobs_created_total"));
        Assert.Equal(1, PrometheusText.Value(text, "upres_webhook_failures_total"));
        // ASP.NET Core's request histogram, Kestrel's connections and the runtime's, for free.
        Assert.Contains("http_server_request_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("kestrel_active_connections", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_collections_total", text, StringComparison.Ordinal);
        Assert.DoesNotContain(queued, text, StringComparison.Ordinal);

        // Another app in the same process (the tests run many; here a second server and the webhook
        // receiver) exports only its own measurements, and is not seen here.
        var other = await ScrapeAsync(_other);
        Assert.Null(PrometheusText.Value(other, "upres_jobs_created_total"));
        Assert.Null(PrometheusText.Value(other, "upres_webhook_failures_total"));
        Assert.DoesNotContain("http_route=\"/{**path}\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain($"server_port=\"{_other.BaseAddress.Port}\"", text, StringComparison.Ordinal);
    }
}
