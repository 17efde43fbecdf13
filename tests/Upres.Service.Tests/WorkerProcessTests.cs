using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// Many machines, one queue, tested with real processes: an API-only node (`serve --workers 0`) and
/// `upres worker` processes on one PostgreSQL and one storage root, each worker with its own data
/// folder, killed, paused, stopped and cut off from the database while they hold a job.
[Collection("processing")]
public sealed class WorkerProcessTests : IAsyncLifetime
{
    private PostgresCluster? _pg;
    private string _root = "";
    private WebhookReceiver _receiver = null!;
    private ServerProcess? _api;
    private readonly List<ServerProcess> _workers = [];
    private HttpClient _admin = null!;
    private HttpClient _client = null!;
    private Dictionary<string, string> _environment = [];

    /// xUnit does not call DisposeAsync when InitializeAsync throws: a failed start stops what it began.
    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        _pg = PostgresCluster.TryStart();
        Assert.True(_pg is not null, PostgresCluster.MissingMessage);
        _root = TempDirectory.Create("upres-workers");
        _receiver = await WebhookReceiver.StartAsync();
        var port = ServerProcess.FreePort();
        _environment = new Dictionary<string, string>
        {
            ["UPRES_DB_CONNECTION"] = $"postgres://postgres@127.0.0.1:{_pg!.Port}/postgres",
            ["UPRES_STORAGE"] = Path.Combine(_root, "shared"),
            ["UPRES_ADMIN_KEY"] = UpresTestServer.AdminKey,
            ["UPRES_PUBLIC_URL"] = $"http://127.0.0.1:{port}",
            ["UPRES_LEASE_SECONDS"] = "5",
            ["UPRES_POLL_MS"] = "100",
            ["UPRES_FETCH_ALLOW"] = "127.0.0.1:*",
            ["UPRES_WEBHOOK_ALLOW"] = "127.0.0.1:*",
            ["UPRES_WEBHOOK_RETRY_BASE_MS"] = "200",
            ["UPRES_RATE_LIMIT_PER_MINUTE"] = "100000",
            ["UPRES_THREADS"] = "1",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        _api = await ServerProcess.StartAsync(port, Node("api", ("UPRES_WORKERS", "0")));
        _admin = new HttpClient { BaseAddress = _api.BaseAddress };
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", UpresTestServer.AdminKey);
        var account = await (await _admin.PostAsJsonAsync("/v1/admin/accounts", new { name = "workers", credits = 1000 })).ReadObjectAsync();
        var key = (string)(await (await _admin.PostAsync($"/v1/admin/accounts/{(string)account["id"]!}/keys", null)).ReadObjectAsync())["key"]!;
        _client = new HttpClient { BaseAddress = _api.BaseAddress };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    public async Task DisposeAsync()
    {
        foreach (var w in _workers)
        {
            w.Dispose();
        }

        _api?.Dispose();
        _admin?.Dispose();
        _client?.Dispose();
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
        NpgsqlConnection.ClearAllPools();
        _pg?.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task A_worker_killed_mid_job_loses_it_to_another_worker_and_the_job_completes_charged_once_and_notified_once()
    {
        await StartWorkersAsync(2);
        var jobId = await CreateJobAsync("/kill9");
        var holder = await HolderOfAsync(jobId);
        holder.KillHard();

        var job = await _client.JobFinishedAsync(jobId, TimeSpan.FromMinutes(4));
        Assert.True((string)job["status"]! == "completed", job.ToJsonString() + Logs());
        // Two at least: on a starved machine a late heartbeat may also lose a live lease, which is allowed.
        Assert.True((int)job["attempts"]! >= 2, job.ToJsonString());
        await AssertChargedOnceAndNotifiedOnceAsync(jobId, "/kill9");
        await AssertResultFolderHoldsOnlyTheResultAsync(jobId);
    }

    [Fact]
    public async Task A_paused_worker_that_lost_its_lease_changes_nothing_and_writes_nothing_when_it_wakes()
    {
        await StartWorkersAsync(2);
        var jobId = await CreateJobAsync("/paused");
        var holder = await HolderOfAsync(jobId);
        holder.Signal("STOP");
        try
        {
            var job = await _client.JobFinishedAsync(jobId, TimeSpan.FromMinutes(4));
            Assert.True((string)job["status"]! == "completed", job.ToJsonString() + Logs());
            var before = Snapshot(jobId);
            var ledgerBefore = await LedgerAsync(jobId);

            holder.Signal("CONT");
            // The woken worker beats once (Lost), stops its engine and ends nothing; give it time to try.
            await Task.Delay(TimeSpan.FromSeconds(6));
            Assert.False(holder.HasExited, holder.OutputTail);
            Assert.Equal(before, Snapshot(jobId));
            Assert.Equal(ledgerBefore, await LedgerAsync(jobId));
            var after = await (await _client.GetAsync($"/v1/jobs/{jobId}")).ReadObjectAsync();
            Assert.Equal(job["finished_at"]!.ToString(), after["finished_at"]!.ToString());
            await AssertChargedOnceAndNotifiedOnceAsync(jobId, "/paused");
        }
        finally
        {
            if (!holder.HasExited)
            {
                holder.Signal("CONT");
            }
        }
    }

    [Fact]
    public async Task A_worker_given_SIGTERM_releases_its_job_within_seconds_without_spending_an_attempt_and_another_finishes_it()
    {
        await StartWorkersAsync(1);
        var jobId = await CreateJobAsync("/sigterm");
        var holder = await HolderOfAsync(jobId);
        var other = await StartWorkerAsync();

        var asked = DateTimeOffset.UtcNow;
        holder.Signal("TERM");
        Assert.True(await holder.WaitForExitAsync(TimeSpan.FromSeconds(10)), "the worker did not stop within 10 s:\n" + holder.OutputTail);
        var stoppedAfter = DateTimeOffset.UtcNow - asked;
        Assert.Equal(0, holder.ExitCode);

        var job = await _client.JobFinishedAsync(jobId, TimeSpan.FromMinutes(4));
        Assert.True((string)job["status"]! == "completed", job.ToJsonString() + Logs());
        Assert.Equal(1, (int)job["attempts"]!);
        await AssertChargedOnceAndNotifiedOnceAsync(jobId, "/sigterm");
        var workers = (await (await _admin.GetAsync("/v1/admin/workers")).ReadObjectAsync())["data"]!.AsArray();
        var gone = workers.Single(w => (int)w!["process_id"]! == holder.Id)!;
        Assert.False((bool)gone["alive"]!);
        Assert.NotNull(gone["stopped_at"]);
        Assert.True(stoppedAfter < TimeSpan.FromSeconds(10), $"stopped after {stoppedAfter}");
        _ = other;
    }

    [Fact]
    public async Task Workers_ride_out_a_postgres_restart_mid_job_and_nothing_is_lost_or_done_twice()
    {
        _environment["UPRES_LEASE_SECONDS"] = "20";
        await StartWorkersAsync(1);
        var jobId = await CreateJobAsync("/pgrestart");
        await HolderOfAsync(jobId);

        _pg!.Stop();
        await Task.Delay(TimeSpan.FromSeconds(4));
        _pg.Start();

        var job = await _client.JobFinishedAsync(jobId, TimeSpan.FromMinutes(4));
        Assert.True((string)job["status"]! == "completed", job.ToJsonString() + Logs());
        Assert.Equal(1, (int)job["attempts"]!);
        var next = await CreateJobAsync("/pgrestart");
        var second = await _client.JobFinishedAsync(next, TimeSpan.FromMinutes(4));
        Assert.True((string)second["status"]! == "completed", second.ToJsonString() + Logs());
        await AssertChargedOnceAndNotifiedOnceAsync(jobId, "/pgrestart", expectedHooks: 2);
        await AssertChargedOnceAndNotifiedOnceAsync(next, "/pgrestart", expectedHooks: 2);
    }

    private Dictionary<string, string> Node(string name, params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>(_environment) { ["UPRES_DATA"] = Path.Combine(_root, name) };
        foreach (var (k, v) in extra)
        {
            env[k] = v;
        }

        return env;
    }

    private async Task StartWorkersAsync(int count)
    {
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => StartWorkerAsync()));
    }

    private async Task<ServerProcess> StartWorkerAsync()
    {
        var worker = await ServerProcess.StartWorkerAsync(Node($"worker-{Guid.NewGuid():N}"), _admin);
        lock (_workers)
        {
            _workers.Add(worker);
        }

        return worker;
    }

    private async Task<string> CreateJobAsync(string hook)
    {
        var upload = await _client.UploadIdAsync(Clips.Tiny(seconds: 4));
        var created = await _client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, webhook_url = _receiver.Url(hook) });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        return (string)(await created.ReadObjectAsync())["id"]!;
    }

    /// The worker process holding the job, once the job has made progress there.
    private async Task<ServerProcess> HolderOfAsync(string jobId)
    {
        await _client.JobUntilAsync(jobId, j => (long)j["frames_done"]! > 0, TimeSpan.FromMinutes(2));
        var workers = (await (await _admin.GetAsync("/v1/admin/workers")).ReadObjectAsync())["data"]!.AsArray();
        var pid = workers.Where(w => w!["current_work"]!.AsArray().Any(c => (string)c! == $"job:{jobId}")).Select(w => (int)w!["process_id"]!).FirstOrDefault();
        if (pid == 0)
        {
            await Task.Delay(1500);
            workers = (await (await _admin.GetAsync("/v1/admin/workers")).ReadObjectAsync())["data"]!.AsArray();
            pid = workers.Where(w => w!["current_work"]!.AsArray().Any(c => (string)c! == $"job:{jobId}")).Select(w => (int)w!["process_id"]!).Single();
        }

        return _workers.Single(w => w.Id == pid);
    }

    private async Task AssertChargedOnceAndNotifiedOnceAsync(string jobId, string hook, int expectedHooks = 1)
    {
        Assert.Equal(["charge", "reserve"], await LedgerAsync(jobId));
        await _receiver.WaitForAsync(expectedHooks, TimeSpan.FromSeconds(30));
        await Task.Delay(500);
        var ends = _receiver.Deliveries.Where(d => d.Path == hook).Select(d => JsonNode.Parse(d.Body)!)
            .Where(b => (string)b["data"]!["id"]! == jobId).Select(b => (string)b["type"]!).ToList();
        Assert.Equal(["job.completed"], ends);
    }

    private async Task<List<string>> LedgerAsync(string jobId)
    {
        await using var c = new NpgsqlConnection(_pg!.ConnectionString);
        return [.. (await c.QueryAsync<string>("SELECT kind FROM ledger WHERE job_id = @jobId", new { jobId })).Order(StringComparer.Ordinal)];
    }

    private async Task AssertResultFolderHoldsOnlyTheResultAsync(string jobId)
    {
        var job = await (await _client.GetAsync($"/v1/jobs/{jobId}")).ReadObjectAsync();
        Assert.NotNull(job["result"]);
        Assert.Equal(["result.mp4"], Directory.GetFiles(Path.Combine(_root, "shared", "results", jobId)).Select(Path.GetFileName));
    }

    /// Every file under the job's result folder and the staging folder, with its content hash.
    private string Snapshot(string jobId)
    {
        var shared = Path.Combine(_root, "shared");
        var files = new[] { Path.Combine(shared, "results", jobId), Path.Combine(shared, ".staging") }
            .Where(Directory.Exists)
            .SelectMany(d => Directory.GetFiles(d, "*", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(shared, f)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}");
        return string.Join('\n', files);
    }

    private string Logs() => "\n--- api:\n" + _api?.OutputTail + string.Concat(_workers.Select(w => $"\n--- worker {w.Id}:\n{w.OutputTail}"));
}
