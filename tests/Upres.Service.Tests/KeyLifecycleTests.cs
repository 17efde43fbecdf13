using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Upres.Service.Accounts;
using Upres.Service.Tests.Infrastructure;
using Upres.Service.Webhooks;

namespace Upres.Service.Tests;

/// API keys are listed and revoked (a revoked key is refused by the native API and by every door),
/// webhook secrets rotate with an overlap in which both sign, and a weak admin key stops the start.
public sealed class KeyLifecycleTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;

    public async Task InitializeAsync() => _server = await UpresTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_revoked_key_gets_401_on_the_native_api_and_every_door_while_the_other_key_works()
    {
        var (accountId, _, key) = await _server.CreateAccountAsync(credits: 10);
        var other = (string)(await (await _server.Admin.PostAsync($"/v1/admin/accounts/{accountId}/keys", null)).ReadObjectAsync())["key"]!;
        foreach (var door in Doors)
        {
            Assert.NotEqual(HttpStatusCode.Unauthorized, (await door(key)).StatusCode);
        }

        var keys = await _server.Admin.GetFromJsonAsync<JsonArray>($"/v1/admin/accounts/{accountId}/keys");
        Assert.Equal(2, keys!.Count);
        Assert.DoesNotContain(key, keys.ToJsonString(), StringComparison.Ordinal);
        var listed = keys.Single(k => key.StartsWith((string)k!["prefix"]!, StringComparison.Ordinal))!;
        Assert.Null(listed["revoked_at"]);

        var revoked = await _server.Admin.DeleteAsync($"/v1/admin/accounts/{accountId}/keys/{(string)listed["id"]!}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        foreach (var door in Doors)
        {
            var answer = await door(key);
            Assert.True(answer.StatusCode == HttpStatusCode.Unauthorized, $"{answer.RequestMessage!.RequestUri}: {(int)answer.StatusCode}");
            Assert.NotEqual(HttpStatusCode.Unauthorized, (await door(other)).StatusCode);
        }

        var after = await _server.Admin.GetFromJsonAsync<JsonArray>($"/v1/admin/accounts/{accountId}/keys");
        Assert.NotNull(after!.Single(k => (string)k!["id"]! == (string)listed["id"]!)!["revoked_at"]);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Admin.DeleteAsync($"/v1/admin/accounts/{accountId}/keys/key_nope")).StatusCode);
    }

    [Fact]
    public async Task A_tenant_revokes_its_own_leaked_key_but_never_another_account_s()
    {
        var (_, client, key) = await _server.CreateAccountAsync();
        var (_, stranger, _) = await _server.CreateAccountAsync();
        var mine = await client.GetFromJsonAsync<JsonArray>("/v1/account/keys");
        var id = (string)Assert.Single(mine!)!["id"]!;

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"/v1/account/keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/account")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/account/keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/account")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.Client(key).GetAsync("/v1/account")).StatusCode);
    }

    [Fact]
    public async Task A_rotated_webhook_secret_signs_beside_the_old_one_until_the_overlap_ends()
    {
        var (accountId, client, _) = await _server.CreateAccountAsync();
        var old = (string)(await (await client.GetAsync("/v1/account")).ReadObjectAsync())["account"]!["webhook_secret"]!;
        var store = _server.Service<IWebhookStore>();
        var now = DateTimeOffset.UtcNow;

        var rotated = await (await client.PostAsync("/v1/account/webhook-secret/rotate", null)).ReadObjectAsync();
        var fresh = (string)rotated["webhook_secret"]!;
        var until = DateTimeOffset.Parse((string)rotated["previous_secret_valid_until"]!, System.Globalization.CultureInfo.InvariantCulture);

        Assert.NotEqual(old, fresh);
        Assert.Equal(fresh, (string)(await (await client.GetAsync("/v1/account")).ReadObjectAsync())["account"]!["webhook_secret"]!);
        Assert.InRange(until - now, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24.1));
        var during = await store.SecretsAsync(accountId, now, CancellationToken.None);
        Assert.Equal([fresh, old], during);
        var header = WebhookSignature.SignWithEach(during, "msg_1", 1700000000, "{}");
        Assert.True(WebhookSignature.Verify(old, "msg_1", "1700000000", "{}", header));
        Assert.True(WebhookSignature.Verify(fresh, "msg_1", "1700000000", "{}", header));
        Assert.Equal([fresh], await store.SecretsAsync(accountId, until.AddSeconds(1), CancellationToken.None));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("short-but-random-8Hq")]
    public async Task A_weak_admin_key_stops_the_start_without_repeating_it(string weak)
    {
        var data = TempDirectory.Create("upres-weak");
        try
        {
            var e = await Assert.ThrowsAnyAsync<Exception>(() => UpresTestServer.StartAsync(new Dictionary<string, string?> { ["UPRES_ADMIN_KEY"] = weak }, dataDirectory: data));
            var problems = Upres.Service.Hosting.StartupCheck.Describe(e);
            var line = Assert.Single(problems!);
            Assert.StartsWith("UPRES_ADMIN_KEY is too weak", line, StringComparison.Ordinal);
            Assert.DoesNotContain(weak, line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private IEnumerable<Func<string, Task<HttpResponseMessage>>> Doors =>
    [
        key => Send(HttpMethod.Get, "/v1/account", ("Authorization", $"Bearer {key}")),
        key => Send(HttpMethod.Get, "/kyyReactApiServer/v1/result/job_nope", ("Authorization", $"Bearer {key}")),
        key => Send(HttpMethod.Get, "/kokoon/api/sr/v3/video/vid_nope", ("Authorization", key)),
        key => Send(HttpMethod.Get, "/api/v1/jobs/recordInfo?taskId=task_nope", ("Authorization", $"Bearer {key}")),
        key => Send(HttpMethod.Post, "/api/v3/video-enhancer-api/task", ("ApiKey", key), """{"job_id":"job_nope"}"""),
    ];

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, (string Name, string Value) header, string? json = null)
    {
        using var client = _server.Client();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }
}
