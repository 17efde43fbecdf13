using System.Net;
using System.Net.Http.Json;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

public sealed class AccountsTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;

    public async Task InitializeAsync() => _server = await UpresTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_admin_creates_an_account_and_a_key_that_is_shown_once_and_stored_only_as_a_hash()
    {
        var (accountId, client, key) = await _server.CreateAccountAsync(credits: 250);

        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal(accountId, (string)me["account"]!["id"]!);
        Assert.Equal(250, (long)me["account"]!["available"]!);

        var dbBytes = await File.ReadAllBytesAsync(Path.Combine(_server.DataDirectory, "upres.db"));
        var walPath = Path.Combine(_server.DataDirectory, "upres.db-wal");
        var wal = File.Exists(walPath) ? await File.ReadAllBytesAsync(walPath) : [];
        var needle = System.Text.Encoding.UTF8.GetBytes(key);
        Assert.Equal(-1, dbBytes.AsSpan().IndexOf(needle));
        Assert.Equal(-1, wal.AsSpan().IndexOf(needle));
    }

    [Fact]
    public async Task Requests_without_a_valid_key_get_a_401_problem_with_a_stable_code()
    {
        using var anonymous = _server.Client("upr_not-a-key");
        var response = await anonymous.GetAsync("/v1/account");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("unauthorized", (string)(await response.ReadObjectAsync())["code"]!);
    }

    [Fact]
    public async Task Admin_endpoints_refuse_a_wrong_admin_key()
    {
        using var wrong = _server.Client("nope");
        var response = await wrong.PostAsJsonAsync("/v1/admin/accounts", new { name = "x", credits = 1 });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("admin_unauthorized", (string)(await response.ReadObjectAsync())["code"]!);
    }

    [Fact]
    public async Task Credits_added_by_the_admin_appear_in_the_ledger()
    {
        var (accountId, client, _) = await _server.CreateAccountAsync(credits: 10);
        var add = await _server.Admin.PostAsJsonAsync($"/v1/admin/accounts/{accountId}/credits", new { amount = 5 });
        Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal(15, (long)me["account"]!["balance"]!);
        Assert.Equal(2, me["ledger"]!.AsArray().Count);
    }

    [Fact]
    public async Task Unknown_paths_and_health_answer_as_documented()
    {
        using var anonymous = _server.Client();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);
        var missing = await anonymous.GetAsync("/v2/nothing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("not_found", (string)(await missing.ReadObjectAsync())["code"]!);
        var openapi = await (await anonymous.GetAsync("/openapi/v1.json")).ReadObjectAsync();
        Assert.NotNull(openapi["paths"]!["/v1/jobs"]);
        Assert.NotNull(openapi["paths"]!["/v1/uploads"]);
    }
}
