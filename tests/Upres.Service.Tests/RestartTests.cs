using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// The durability promise, tested the hard way: the server is a separate process, killed with
/// SIGKILL while one job is processing and others are queued, then started again on the same data.
[Collection("processing")]
public sealed class RestartTests
{
    [Fact]
    public async Task After_kill_9_and_a_restart_every_job_completes_is_charged_once_and_notifies_once()
    {
        var data = TempDirectory.Create("upres-restart");
        await using var receiver = await WebhookReceiver.StartAsync();
        var port = ServerProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["UPRES_DATA"] = data,
            ["UPRES_ADMIN_KEY"] = UpresTestServer.AdminKey,
            ["UPRES_LEASE_SECONDS"] = "3",
            ["UPRES_POLL_MS"] = "100",
            ["UPRES_FETCH_ALLOW"] = "127.0.0.1:*", ["UPRES_WEBHOOK_ALLOW"] = "127.0.0.1:*",
            ["UPRES_WEBHOOK_RETRY_BASE_MS"] = "200",
            ["UPRES_RATE_LIMIT_PER_MINUTE"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
        };

        var jobs = new List<string>();
        string key;
        using (var first = await ServerProcess.StartAsync(port, environment))
        {
            using var admin = new HttpClient { BaseAddress = first.BaseAddress };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", UpresTestServer.AdminKey);
            var account = await (await admin.PostAsJsonAsync("/v1/admin/accounts", new { name = "restart", credits = 1000 })).ReadObjectAsync();
            key = (string)(await (await admin.PostAsync($"/v1/admin/accounts/{(string)account["id"]!}/keys", null)).ReadObjectAsync())["key"]!;
            using var client = new HttpClient { BaseAddress = first.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var upload = await client.UploadIdAsync(Clips.Tiny(seconds: 2));
            for (var i = 0; i < 3; i++)
            {
                var job = await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, webhook_url = receiver.Url("/restart") })).ReadObjectAsync();
                jobs.Add((string)job["id"]!);
            }

            await client.JobUntilAsync(jobs[0], j => (long)j["frames_done"]! > 0, TimeSpan.FromSeconds(120));
            var states = await Task.WhenAll(jobs.Select(async id => (string)(await (await client.GetAsync($"/v1/jobs/{id}")).ReadObjectAsync())["status"]!));
            Assert.Equal(["processing", "queued", "queued"], states);
            first.KillHard();
        }

        using (var second = await ServerProcess.StartAsync(port, environment))
        {
            using var client = new HttpClient { BaseAddress = second.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            foreach (var id in jobs)
            {
                var job = await client.JobFinishedAsync(id, TimeSpan.FromMinutes(6));
                Assert.True((string)job["status"]! == "completed", job.ToJsonString() + "\n" + second.OutputTail);
            }

            Assert.True((int)(await (await client.GetAsync($"/v1/jobs/{jobs[0]}")).ReadObjectAsync())["attempts"]! >= 2);
            var deliveries = await receiver.WaitForAsync(3, TimeSpan.FromSeconds(30));
            await Task.Delay(1000);
            var completed = receiver.Deliveries.Select(d => JsonNode.Parse(d.Body)!).Where(b => (string)b["type"]! == "job.completed")
                .Select(b => (string)b["data"]!["id"]!).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(jobs.Order(StringComparer.Ordinal), completed);

            var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
            var prices = 0L;
            foreach (var id in jobs)
            {
                prices += (long)(await (await client.GetAsync($"/v1/jobs/{id}")).ReadObjectAsync())["price"]!;
            }

            Assert.Equal(1000 - prices, (long)me["account"]!["balance"]!);
            Assert.Equal(0, (long)me["account"]!["reserved"]!);
        }

        await using var db = new SqliteConnection($"Data Source={Path.Combine(data, "upres.db")}");
        var ledger = (await db.QueryAsync<(string JobId, string Kind)>("SELECT job_id, kind FROM ledger WHERE job_id IS NOT NULL")).ToList();
        foreach (var id in jobs)
        {
            Assert.Equal(["charge", "reserve"], ledger.Where(l => l.JobId == id).Select(l => l.Kind).Order(StringComparer.Ordinal));
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }
}
