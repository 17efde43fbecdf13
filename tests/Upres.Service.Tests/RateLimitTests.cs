using System.Net;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// Rate limits count per account after authentication, whatever spelling of the header carries the
/// key, and guessed keys are limited per client address before they cost a database lookup each.
public sealed class RateLimitTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;

    public async Task InitializeAsync() => _server = await UpresTestServer.StartAsync(new Dictionary<string, string?>
    {
        ["UPRES_WORKERS"] = "0",
        ["UPRES_RATE_LIMIT_PER_MINUTE"] = "6",
        ["UPRES_AUTH_FAILURES_PER_MINUTE"] = "5",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Respelling_the_bearer_header_or_using_a_second_key_shares_the_account_s_bucket()
    {
        var (accountId, _, key) = await _server.CreateAccountAsync();
        var second = (string)(await (await _server.Admin.PostAsync($"/v1/admin/accounts/{accountId}/keys", null)).ReadObjectAsync())["key"]!;
        var (_, other, _) = await _server.CreateAccountAsync(name: "other");
        string[] spellings = [$"Bearer {key}", $"bearer {key}", $"Bearer  {key}", $"BEARER {key} ", $"Bearer {second}", $"bearer  {second}", $"Bearer {key}"];

        var statuses = new List<HttpStatusCode>();
        foreach (var header in spellings)
        {
            statuses.Add((await GetAccountAsync(("Authorization", header))).StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 6), statuses.Take(6));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[6]);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/v1/account")).StatusCode);
    }

    [Fact]
    public async Task Guessed_keys_are_limited_per_client_address_and_a_real_key_still_works()
    {
        var (_, client, _) = await _server.CreateAccountAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await GetAccountAsync(("Authorization", $"Bearer upr_guess{i}"))).StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), statuses.Take(5));
        Assert.All(statuses.Skip(5), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await GetAccountAsync(("ApiKey", "upr_guess_hitpaw"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/account")).StatusCode);
    }

    private async Task<HttpResponseMessage> GetAccountAsync((string Name, string Value) header)
    {
        using var client = _server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/account");
        request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        return await client.SendAsync(request);
    }
}
