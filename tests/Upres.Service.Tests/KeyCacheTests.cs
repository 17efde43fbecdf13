using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// An authenticated key is trusted from memory for UPRES_AUTH_CACHE_SECONDS: revoked through the
/// server that answers, it is refused at once; revoked through another node on the same database, it
/// is refused there once the entry has lapsed.
public sealed class KeyCacheTests
{
    [Fact]
    public async Task A_key_revoked_on_another_node_is_refused_here_once_the_cache_lapses()
    {
        var data = TempDirectory.Create("upres-keycache");
        var settings = new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0", ["UPRES_AUTH_CACHE_SECONDS"] = "1" };
        await using var a = await UpresTestServer.StartAsync(settings, dataDirectory: data);
        await using var b = await UpresTestServer.StartAsync(settings, dataDirectory: data);
        var (accountId, onA, key) = await a.CreateAccountAsync();
        using var onB = b.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/v1/account")).StatusCode);

        var keyId = (string)(await (await a.Admin.GetAsync($"/v1/admin/accounts/{accountId}/keys")).Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonArray>())![0]!["id"]!;
        Assert.Equal(HttpStatusCode.NoContent, (await a.Admin.DeleteAsync($"/v1/admin/accounts/{accountId}/keys/{keyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await onA.GetAsync("/v1/account")).StatusCode);

        var clock = Stopwatch.StartNew();
        while ((await onB.GetAsync("/v1/account")).StatusCode != HttpStatusCode.Unauthorized && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.GetAsync("/v1/account")).StatusCode);
    }
}
