using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using Upres.Service.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Upres.Service.Tests;

/// A crash is the job's fault only when it repeats at the same place (Work/WorkPlaces.cs). `upres
/// serve` is killed -9 at random moments, twenty times, while six small jobs are queued, and
/// restarted each time: every job completes, charged once and notified once. A worker killed at the
/// same frame of a job every time fails that job after its strikes, with nothing charged.
[Collection("processing")]
public sealed class CrashStormTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Kills = 20;
    private readonly string _data = TempDirectory.Create("upres-storm");
    private readonly List<ServerProcess> _servers = [];
    private WebhookReceiver _receiver = null!;
    private Dictionary<string, string> _environment = null!;
    private int _port;
    private long _killedAttempts;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _port = ServerProcess.FreePort();
        _environment = new Dictionary<string, string>
        {
            ["UPRES_DATA"] = _data,
            ["UPRES_ADMIN_KEY"] = UpresTestServer.AdminKey,
            ["UPRES_LEASE_SECONDS"] = "2",
            ["UPRES_POLL_MS"] = "100",
            ["UPRES_THREADS"] = "1",
            ["UPRES_MAX_ATTEMPTS"] = "3",
            ["UPRES_RATE_LIMIT_PER_MINUTE"] = "100000",
            ["UPRES_WEBHOOK_ALLOW"] = "127.0.0.1:*",
            ["UPRES_WEBHOOK_RETRY_BASE_MS"] = "200",
            ["Logging__LogLevel__Default"] = "Warning",
        };
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        await _receiver.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Six_jobs_through_twenty_kill_9s_at_random_moments_all_complete_each_charged_and_notified_once()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var jobs = new List<string>();
        string key;
        using (var first = await StartAsync())
        {
            key = await CreateAccountAsync(first);
            using var client = Client(first, key);
            var upload = await client.UploadIdAsync(Clips.Tiny(seconds: 2));
            for (var i = 0; i < 6; i++)
            {
                jobs.Add(await CreateJobAsync(client, new { input = new { upload_id = upload }, webhook_url = _receiver.Url() }));
            }

            await Task.Delay(random.Next(0, 3000));
            first.KillHard();
        }

        // Bounded: twenty kills or four minutes, whichever comes first.
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(4);
        var kills = 1;
        for (; kills < Kills && DateTimeOffset.UtcNow < deadline; kills++)
        {
            using var server = await StartAsync();
            await Task.Delay(random.Next(0, 3000));
            server.KillHard();
        }

        output.WriteLine($"{kills} kills");
        using (var last = await StartAsync())
        {
            using var client = Client(last, key);
            foreach (var id in jobs)
            {
                var job = await client.JobFinishedAsync(id, TimeSpan.FromMinutes(4));
                Assert.True((string)job["status"]! == "completed", job.ToJsonString() + "\n" + last.OutputTail);
            }

            var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
            Assert.Equal(0, (long)me["account"]!["reserved"]!);
            var notifyBy = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60);
            while (DeliveredIds("job.completed").Count < jobs.Count && DateTimeOffset.UtcNow < notifyBy)
            {
                await Task.Delay(100);
            }
        }

        await using var db = OpenDatabase();
        foreach (var (id, attempts, strikes) in await db.QueryAsync<(string, long, long)>("SELECT id, attempts, strikes FROM jobs ORDER BY id"))
        {
            output.WriteLine($"{id}: completed after {attempts} attempts, {strikes} strikes");
        }

        var ledger = (await db.QueryAsync<(string JobId, string Kind)>("SELECT job_id, kind FROM ledger WHERE job_id IS NOT NULL")).ToList();
        var outbox = (await db.QueryAsync<(string Id, string JobId, string EventType)>(
            "SELECT id, job_id, event_type FROM webhook_outbox WHERE event_type <> 'job.progress'")).ToList();
        var delivered = DeliveredIds("job.completed");
        foreach (var id in jobs)
        {
            Assert.Equal(["charge", "reserve"], ledger.Where(l => l.JobId == id).Select(l => l.Kind).Order(StringComparer.Ordinal));
            var message = Assert.Single(outbox, m => m.JobId == id);
            Assert.Equal("job.completed", message.EventType);
            Assert.Contains(message.Id, delivered);
        }

        Assert.Equal(jobs.Count, delivered.Count);
    }

    [Fact]
    public async Task A_job_whose_worker_dies_at_the_same_frame_every_time_fails_after_its_strikes_with_nothing_charged()
    {
        string key;
        string id;
        using (var first = await StartAsync())
        {
            key = await CreateAccountAsync(first);
            using var client = Client(first, key);
            // Frames of 320x240 on one thread take long enough for the kill to land inside the second one.
            var upload = await client.UploadIdAsync(Clips.Small(seconds: 2, width: 320, height: 240, fps: 5));
            id = await CreateJobAsync(client, new { input = new { upload_id = upload }, webhook_url = _receiver.Url() });
            await KillAtSecondFrameAsync(first, id);
        }

        // Poison: every attempt that reaches the second frame dies there. The first death sets the
        // mark, the next three are strikes; the claim after the third gives the job up.
        var deaths = 1;
        for (; deaths < 8; deaths++)
        {
            using var server = await StartAsync();
            if (!await KillAtSecondFrameAsync(server, id))
            {
                break;
            }
        }

        using var last = await StartAsync();
        using var client2 = Client(last, key);
        var job = await client2.JobFinishedAsync(id, TimeSpan.FromMinutes(2));
        output.WriteLine($"{deaths} deaths: {job.ToJsonString()}");
        Assert.Equal("failed", (string)job["status"]!);
        Assert.Equal("attempts_exhausted", (string)job["error"]!["code"]!);
        Assert.Equal(4, deaths);

        await using var db = OpenDatabase();
        Assert.Equal(["reserve", "release"], await db.QueryAsync<string>("SELECT kind FROM ledger WHERE job_id = @id ORDER BY id", new { id }));
        Assert.Equal(["job.failed"], await db.QueryAsync<string>("SELECT event_type FROM webhook_outbox WHERE job_id = @id AND event_type <> 'job.progress'", new { id }));
        var (strikes, attempts) = await db.QuerySingleAsync<(long, long)>("SELECT strikes, attempts FROM jobs WHERE id = @id", new { id });
        Assert.Equal((2L, 4L), (strikes, attempts));
        var me = await (await client2.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal((0L, 1000L), ((long)me["account"]!["reserved"]!, (long)me["account"]!["balance"]!));
    }

    /// Waits until the server's worker is on the job's second frame (place 2: WorkPlaces) and kills it
    /// there. False when the job ended first.
    private async Task<bool> KillAtSecondFrameAsync(ServerProcess server, string id)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2);
        await using var db = OpenDatabase();
        while (DateTimeOffset.UtcNow < deadline)
        {
            var (status, place, attempts) = await db.QuerySingleAsync<(string, long, long)>("SELECT status, place, attempts FROM jobs WHERE id = @id", new { id });
            if (status is "failed" or "completed" or "cancelled")
            {
                return false;
            }

            // The dead attempt's place stays on the row until this server's worker claims the job.
            if (attempts <= _killedAttempts)
            {
                await Task.Delay(20);
                continue;
            }

            if (place == 2)
            {
                server.KillHard();
                _killedAttempts = attempts;
                return true;
            }

            Assert.True(place < 2, $"the worker passed the second frame before it was killed (place {place})");
            await Task.Delay(20);
        }

        throw new TimeoutException($"the job never reached its second frame:\n{server.OutputTail}");
    }

    private async Task<ServerProcess> StartAsync()
    {
        var server = await ServerProcess.StartAsync(_port, _environment);
        _servers.Add(server);
        return server;
    }

    private SqliteConnection OpenDatabase() => new($"Data Source={Path.Combine(_data, "upres.db")}");

    private HashSet<string> DeliveredIds(string eventType)
        => [.. _receiver.Deliveries.Where(d => (string?)JsonNode.Parse(d.Body)?["type"] == eventType).Select(d => d.Id)];

    private static async Task<string> CreateAccountAsync(ServerProcess server)
    {
        using var admin = new HttpClient { BaseAddress = server.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", UpresTestServer.AdminKey);
        var account = await (await admin.PostAsJsonAsync("/v1/admin/accounts", new { name = "storm", credits = 1000 })).ReadObjectAsync();
        return (string)(await (await admin.PostAsync($"/v1/admin/accounts/{(string)account["id"]!}/keys", null)).ReadObjectAsync())["key"]!;
    }

    private static async Task<string> CreateJobAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/v1/jobs", body);
        var created = await response.ReadObjectAsync();
        Assert.True(response.IsSuccessStatusCode, created.ToJsonString());
        return (string)created["id"]!;
    }

    private static HttpClient Client(ServerProcess server, string key)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
