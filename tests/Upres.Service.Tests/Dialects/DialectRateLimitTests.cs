using System.Net;
using System.Text.Json.Nodes;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests.Dialects;

/// The per-key rate limit answers 429 with Retry-After in each vendor's own shape.
public sealed class DialectRateLimitTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await UpresTestServer.StartAsync(new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0", ["UPRES_RATE_LIMIT_PER_MINUTE"] = "2" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonObject Body, string? RetryAfter)> ThirdAsync(HttpMethod method, string path, string? json, (string, string) auth)
    {
        using var client = _server.Client();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
        {
            last?.Dispose();
            using var request = new HttpRequestMessage(method, path);
            request.Headers.TryAddWithoutValidation(auth.Item1, auth.Item2);
            if (json is not null)
            {
                request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
            }

            last = await client.SendAsync(request);
        }

        using (last)
        {
            return (last!.StatusCode, JsonNode.Parse(await last.Content.ReadAsStringAsync())!.AsObject(), last.Headers.RetryAfter?.ToString());
        }
    }

    [Fact]
    public async Task Each_dialect_gets_its_own_429_body_with_retry_after()
    {
        var (_, _, key) = await _server.CreateAccountAsync();

        var mingyan = await ThirdAsync(HttpMethod.Get, "/kyyReactApiServer/v1/result/job_x", null, ("Authorization", $"Bearer {key}"));
        Assert.Equal(HttpStatusCode.TooManyRequests, mingyan.Status);
        Assert.Equal("rate_limit_exceeded", (string)mingyan.Body["code"]!);
        Assert.NotNull(mingyan.RetryAfter);

        var kokoon = await ThirdAsync(HttpMethod.Get, "/kokoon/api/sr/v3/video/upl_x", null, ("Authorization", key));
        Assert.Equal(HttpStatusCode.TooManyRequests, kokoon.Status);
        Assert.Equal("too many requests", (string)kokoon.Body["message"]!);

        var kie = await ThirdAsync(HttpMethod.Get, "/api/v1/jobs/recordInfo?taskId=task_topaz_x", null, ("Authorization", $"Bearer {key} "));
        Assert.Equal(HttpStatusCode.TooManyRequests, kie.Status);
        Assert.Equal(429, (int)kie.Body["code"]!);

        var hitpaw = await ThirdAsync(HttpMethod.Post, "/api/v3/video-enhancer-api/task", """{"job_id":"x"}""", ("ApiKey", key));
        Assert.Equal(HttpStatusCode.TooManyRequests, hitpaw.Status);
        Assert.Equal(501006, (int)hitpaw.Body["code"]!);
        Assert.NotNull(hitpaw.RetryAfter);
    }
}
