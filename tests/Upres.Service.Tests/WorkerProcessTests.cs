using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// Many machines, one queue, tested with real processes: an API-only node (`serve --workers 0`) and
/// `upres worker` processes on one PostgreSQL and one storage root, each worker with its own data
/// folder, killed, paused, stopped and cut off from the database while they hold a job.
[Collection("processing")]
public sealed class WorkerProcessTests : IAsyncLifetime
{
    private WorkerCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await WorkerCluster.StartAsync("upres-workers", new Dictionary<string, string>());

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_worker_killed_mid_job_loses_it_to_another_worker_and_the_job_completes_charged_once_and_notified_once()
    {
        await _cluster.StartWorkersAsync(2);
        var jobId = await CreateJobAsync("/kill9");
        var holder = await HolderOfAsync(jobId);
        holder.KillHard();

        var job = await _cluster.Client.JobFinishedAsync(jobId, TimeSpan.FromMinutes(4));
        Assert.True((string)job["status"]! == "completed", job.ToJsonString() + _cluster.Logs());
        // Two at least: on a starved machine a late heartbeat may also lose a live lease, which is allowed.
        Assert.True((int)job["attempts"]! >= 2, job.ToJsonString());
        await _cluster.AssertChargedOnceAndNotifiedOnceAsync(jobId, "/kill9");
        await AssertResultFolderHoldsOnlyTheResultAsync(jobId);
    }

    [Fact]
    public async Task A_paused_worker_that_lost_its_lease_changes_nothing_and_writes_nothing_when_it_wakes()
    {
        await _cluster.StartWorkersAsync(2);
        var jobId = await CreateJobAsync("/paused");
        var holder = await HolderOfAsync(jobId);
        holder.Signal("STOP");
        try
        {
            var job = await _cluster.Client.JobFinishedAsync(jobId, TimeSpan.FromMinutes(4));
            Assert.True((string)job["status"]! == "completed", job.ToJsonString() + _cluster.Logs());
            var before = Snapshot(jobId);
            var ledgerBefore = await _cluster.LedgerAsync(jobId);

            holder.Signal("CONT");
            // The woken worker beats once (Lost), stops its engine and ends nothing; give it time to try.
            await Task.Delay(TimeSpan.FromSeconds(6));
            Assert.False(holder.HasExited, holder.OutputTail);
            Assert.Equal(before, Snapshot(jobId));
            Assert.Equal(ledgerBefore, await _cluster.LedgerAsync(jobId));
            var after = await (await _cluster.Client.GetAsync($"/v1/jobs/{jobId}")).ReadObjectAsync();
            Assert.Equal(job["finished_at"]!.ToString(), after["finished_at"]!.ToString());
            await _cluster.AssertChargedOnceAndNotifiedOnceAsync(jobId, "/paused");
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
        await _cluster.StartWorkersAsync(1);
        var jobId = await CreateJobAsync("/sigterm");
        var holder = await HolderOfAsync(jobId);
        var other = await _cluster.StartWorkerAsync();

        var asked = DateTimeOffset.UtcNow;
        holder.Signal("TERM");
        Assert.True(await holder.WaitForExitAsync(TimeSpan.FromSeconds(10)), "the worker did not stop within 10 s:\n" + holder.OutputTail);
        var stoppedAfter = DateTimeOffset.UtcNow - asked;
        Assert.Equal(0, holder.ExitCode);

        var job = await _cluster.Client.JobFinishedAsync(jobId, TimeSpan.FromMinutes(4));
        Assert.True((string)job["status"]! == "completed", job.ToJsonString() + _cluster.Logs());
        Assert.Equal(1, (int)job["attempts"]!);
        await _cluster.AssertChargedOnceAndNotifiedOnceAsync(jobId, "/sigterm");
        var workers = (await (await _cluster.Admin.GetAsync("/v1/admin/workers")).ReadObjectAsync())["data"]!.AsArray();
        var gone = workers.Single(w => (int)w!["process_id"]! == holder.Id)!;
        Assert.False((bool)gone["alive"]!);
        Assert.NotNull(gone["stopped_at"]);
        Assert.True(stoppedAfter < TimeSpan.FromSeconds(10), $"stopped after {stoppedAfter}");
        _ = other;
    }

    [Fact]
    public async Task Workers_ride_out_a_postgres_restart_mid_job_and_nothing_is_lost_or_done_twice()
    {
        _cluster.Environment["UPRES_LEASE_SECONDS"] = "20";
        await _cluster.StartWorkersAsync(1);
        var jobId = await CreateJobAsync("/pgrestart");
        await HolderOfAsync(jobId);

        _cluster.Postgres.Stop();
        await Task.Delay(TimeSpan.FromSeconds(4));
        _cluster.Postgres.Start();

        var job = await _cluster.Client.JobFinishedAsync(jobId, TimeSpan.FromMinutes(4));
        Assert.True((string)job["status"]! == "completed", job.ToJsonString() + _cluster.Logs());
        Assert.Equal(1, (int)job["attempts"]!);
        var next = await CreateJobAsync("/pgrestart");
        var second = await _cluster.Client.JobFinishedAsync(next, TimeSpan.FromMinutes(4));
        Assert.True((string)second["status"]! == "completed", second.ToJsonString() + _cluster.Logs());
        await _cluster.AssertChargedOnceAndNotifiedOnceAsync(jobId, "/pgrestart", expectedHooks: 2);
        await _cluster.AssertChargedOnceAndNotifiedOnceAsync(next, "/pgrestart", expectedHooks: 2);
    }

    private async Task<string> CreateJobAsync(string hook)
    {
        var upload = await _cluster.Client.UploadIdAsync(Clips.Tiny(seconds: 4));
        var created = await _cluster.Client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, webhook_url = _cluster.Receiver.Url(hook) });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        return (string)(await created.ReadObjectAsync())["id"]!;
    }

    /// The worker process holding the job, once the job has made progress there.
    private async Task<ServerProcess> HolderOfAsync(string jobId)
    {
        await _cluster.Client.JobUntilAsync(jobId, j => (long)j["frames_done"]! > 0, TimeSpan.FromMinutes(2));
        var workers = (await (await _cluster.Admin.GetAsync("/v1/admin/workers")).ReadObjectAsync())["data"]!.AsArray();
        var pid = workers.Where(w => w!["current_work"]!.AsArray().Any(c => (string)c! == $"job:{jobId}")).Select(w => (int)w!["process_id"]!).FirstOrDefault();
        if (pid == 0)
        {
            await Task.Delay(1500);
            workers = (await (await _cluster.Admin.GetAsync("/v1/admin/workers")).ReadObjectAsync())["data"]!.AsArray();
            pid = workers.Where(w => w!["current_work"]!.AsArray().Any(c => (string)c! == $"job:{jobId}")).Select(w => (int)w!["process_id"]!).Single();
        }

        return _cluster.Workers.Single(w => w.Id == pid);
    }

    private async Task AssertResultFolderHoldsOnlyTheResultAsync(string jobId)
    {
        var job = await (await _cluster.Client.GetAsync($"/v1/jobs/{jobId}")).ReadObjectAsync();
        Assert.NotNull(job["result"]);
        Assert.Equal(["result.mp4"], Directory.GetFiles(Path.Combine(_cluster.Shared, "results", jobId)).Select(Path.GetFileName));
    }

    /// Every file under the job's result folder and the staging folder, with its content hash.
    private string Snapshot(string jobId)
    {
        var shared = _cluster.Shared;
        var files = new[] { Path.Combine(shared, "results", jobId), Path.Combine(shared, ".staging") }
            .Where(Directory.Exists)
            .SelectMany(d => Directory.GetFiles(d, "*", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(shared, f)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}");
        return string.Join('\n', files);
    }
}
