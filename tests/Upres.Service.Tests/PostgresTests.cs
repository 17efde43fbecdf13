using System.Net;
using System.Net.Http.Json;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// The same API on the shared store: two servers on one PostgreSQL (a throwaway cluster on loopback).
public sealed class PostgresTests : IAsyncLifetime
{
    private PostgresCluster? _pg;

    public Task InitializeAsync()
    {
        _pg = PostgresCluster.TryStart();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _pg?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Two_servers_share_one_postgres_for_accounts_idempotent_creates_reservations_and_cancels()
    {
        Assert.True(_pg is not null, PostgresCluster.MissingMessage);

        var settings = new Dictionary<string, string?>
        {
            ["UPRES_DB"] = "postgres",
            ["UPRES_DB_CONNECTION"] = _pg!.ConnectionString,
            ["UPRES_WORKERS"] = "0",
        };
        var servers = await Task.WhenAll(UpresTestServer.StartAsync(settings), UpresTestServer.StartAsync(settings));
        await using var a = servers[0];
        await using var b = servers[1];
        var (accountId, clientA, key) = await a.CreateAccountAsync(credits: 10);
        using var clientB = b.Client(key);
        Assert.Equal(10, (long)(await (await clientB.GetAsync("/v1/account")).ReadObjectAsync())["account"]!["available"]!);

        var upload = await clientA.UploadIdAsync(Clips.Small(seconds: 3));
        async Task<HttpResponseMessage> Create(HttpClient c)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = JsonContent.Create(new { input = new { upload_id = upload } }) };
            request.Headers.Add("Idempotency-Key", "pg-1");
            return await c.SendAsync(request);
        }

        // Uploads live on each server's own disk, so both creates go through server A; B reads and cancels.
        var responses = await Task.WhenAll(Create(clientA), Create(clientA), Create(clientA));
        var ids = new HashSet<string>();
        foreach (var r in responses)
        {
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
            ids.Add((string)(await r.ReadObjectAsync())["id"]!);
        }

        var jobId = Assert.Single(ids);
        Assert.Equal(3, (long)(await (await clientB.GetAsync("/v1/account")).ReadObjectAsync())["account"]!["reserved"]!);

        var second = await clientA.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, width = 3840, height = 2160 });
        Assert.Equal(HttpStatusCode.PaymentRequired, second.StatusCode);

        var cancelled = await clientB.PostAsync($"/v1/jobs/{jobId}/cancel", null);
        Assert.Equal("cancelled", (string)(await cancelled.ReadObjectAsync())["status"]!);
        var me = await (await clientA.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal(0, (long)me["account"]!["reserved"]!);
        Assert.Equal(10, (long)me["account"]!["balance"]!);
        Assert.Equal(["release", "reserve", "grant"], me["ledger"]!.AsArray().Select(e => (string)e!["kind"]!));
        Assert.Equal(HttpStatusCode.OK, (await b.Client().GetAsync("/readyz")).StatusCode);
        _ = accountId;
    }
}
