using System.Net;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// The disk fills while a job runs: a small tmpfs stands in for the full file system, either under
/// the worker's scratch folder (ffmpeg's encode runs out of room) or as the storage root (the result
/// cannot be staged). The job fails with storage_full at once, its credits come back, nothing
/// half-written is left or served, and once space is freed the same server completes a job.
/// Mounting needs root (CI runs as root); elsewhere the tests are skipped with the reason (Tmpfs).
[Collection("processing")]
public sealed class DiskFullTests
{
    [TmpfsTheory]
    [InlineData("scratch")]
    [InlineData("storage")]
    public async Task A_job_whose_output_does_not_fit_fails_with_storage_full_releases_its_credits_and_leaves_nothing(string full)
    {
        var data = TempDirectory.Create("upres-diskfull");
        var clip = Clips.Small(seconds: 4);
        var uploadBytes = new FileInfo(clip).Length;
        var mountPoint = Path.Combine(data, full == "scratch" ? "tmp" : "storage");
        // Scratch: room for nothing much. Storage: room for the upload, not for the result beside it.
        var size = full == "scratch" ? 48 * 1024 : ((uploadBytes / 4096) + 3) * 4096;
        using var tmpfs = Tmpfs.Mount(mountPoint, size);
        try
        {
            await using var server = await UpresTestServer.StartAsync(new Dictionary<string, string?>
            {
                ["UPRES_DATA"] = data,
                ["UPRES_STORAGE"] = full == "storage" ? mountPoint : null,
                ["UPRES_WORKERS"] = "1",
                ["UPRES_MIN_FREE_MB"] = "0",
            }, dataDirectory: data);
            var storageRoot = full == "storage" ? mountPoint : data;
            var (_, client, _) = await server.CreateAccountAsync(credits: 100);
            var upload = await client.UploadIdAsync(clip);

            var job = await RunAsync(client, upload);

            Assert.Equal("failed", (string)job["status"]!);
            Assert.Equal("storage_full", (string)job["error"]!["code"]!);
            Assert.Contains("(reference err_", (string)job["error"]!["message"]!, StringComparison.Ordinal);
            Assert.Null(job["result"]);
            var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
            Assert.Equal(0, (long)me["account"]!["reserved"]!);
            Assert.Equal(100, (long)me["account"]!["balance"]!);
            Assert.Equal(["release", "reserve", "grant"], me["ledger"]!.AsArray().Select(e => (string)e!["kind"]!));
            Assert.Equal(uploadBytes, (long)me["account"]!["storage"]!["used_bytes"]!);
            Assert.False(Directory.Exists(Path.Combine(storageRoot, "results", (string)job["id"]!)));
            Assert.Empty(FilesUnder(Path.Combine(storageRoot, ".staging")));
            Assert.Empty(FilesUnder(Path.Combine(data, "tmp")));

            // Space is freed: the same server, the same upload, a completed job with a result to download.
            tmpfs.Resize(256L * 1024 * 1024);
            var again = await RunAsync(client, upload);
            Assert.Equal("completed", (string)again["status"]!);
            using var anonymous = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync((string)again["result"]!["url"]!)).StatusCode);
        }
        finally
        {
            tmpfs.Dispose();
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// A split job on real worker processes (PostgreSQL), four segments of 20 frames (about 90 KB
    /// each, the joined video about 350 KB): a segment's encode fills the worker's scratch, the join
    /// fills it, or a segment's staging fills the shared root. The parent job fails with storage_full
    /// once (one release, one job.failed), no segment is retried or left running, nothing of the job
    /// stays on the root, and once the disk is bigger the same cluster completes a split job.
    [TmpfsTheory]
    [InlineData("segment encode")]
    [InlineData("join")]
    [InlineData("segment staging")]
    public async Task A_split_job_that_fills_the_disk_fails_once_with_storage_full(string full)
    {
        await using var cluster = await WorkerCluster.StartAsync("upres-diskfull-split", new Dictionary<string, string>
        {
            ["UPRES_LEASE_SECONDS"] = "10",
            ["UPRES_SPLIT_MIN_SECONDS"] = "1",
            ["UPRES_SEGMENT_MIN_SECONDS"] = "0.5",
            ["UPRES_SEGMENTS_PER_WORKER"] = full == "join" ? "4" : "2",
            ["UPRES_MIN_FREE_MB"] = "0",
        });
        var clip = Clips.Small(seconds: 8);
        var uploadBytes = new FileInfo(clip).Length;
        var scratch = Path.Combine(cluster.DataOf("worker-full"), "tmp");
        // Segment encode: room for the split's timeline, not for a segment. Join: room for one segment
        // at a time (one slot), not for the joined video. Segment staging: room for the upload and the
        // timeline on the shared root, not for a segment beside them.
        using var tmpfs = full switch
        {
            "segment encode" => Tmpfs.Mount(scratch, 16 * 1024),
            "join" => Tmpfs.Mount(scratch, 200 * 1024),
            _ => Tmpfs.Mount(cluster.Shared, ((uploadBytes / 4096) + 3) * 4096),
        };
        try
        {
            await cluster.StartWorkerAsync("worker-full", ("UPRES_WORKERS", full == "join" ? "1" : "2"));
            var upload = await cluster.Client.UploadIdAsync(clip);

            var jobId = await CreateSplitJobAsync(cluster, upload, "/full");
            var job = await cluster.Client.JobFinishedAsync(jobId, TimeSpan.FromMinutes(3));

            Assert.True((string?)job["error"]?["code"] == "storage_full", job.ToJsonString() + cluster.Logs());
            Assert.Equal("failed", (string)job["status"]!);
            Assert.Contains("(reference err_", (string)job["error"]!["message"]!, StringComparison.Ordinal);
            Assert.Null(job["result"]);
            var segments = await SegmentsAsync(cluster, jobId);
            Assert.True(segments.Count >= 2, "the job was not split");
            // The segments that were running stop with the job; none is given back to the queue for another try.
            var settled = System.Diagnostics.Stopwatch.StartNew();
            while ((await SegmentsAsync(cluster, jobId)).Any(s => s.Status == "processing") && settled.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
            segments = await SegmentsAsync(cluster, jobId);
            Assert.All(segments, s => Assert.True(s.Attempts <= 1 && s.Status != "processing" && (full == "join") == (s.Status == "done"),
                $"segment {s.Status} after {s.Attempts} attempt(s)" + cluster.Logs()));
            Assert.Equal(["release", "reserve"], await cluster.LedgerAsync(jobId));
            await cluster.Receiver.WaitForAsync(1, TimeSpan.FromSeconds(30));
            await Task.Delay(500);
            Assert.Equal(["job.failed"], Ends(cluster, jobId));
            Assert.False(Directory.Exists(Path.Combine(cluster.Shared, "results", jobId)), "the failed job's segments were left on the root");
            Assert.Empty(FilesUnder(Path.Combine(cluster.Shared, ".staging")));
            Assert.Empty(FilesUnder(scratch));

            // Space is freed: the same cluster, the same upload, a split job that completes.
            tmpfs.Resize(256L * 1024 * 1024);
            var again = await cluster.Client.JobFinishedAsync(await CreateSplitJobAsync(cluster, upload, "/again"), TimeSpan.FromMinutes(3));
            Assert.True((string)again["status"]! == "completed", again.ToJsonString() + cluster.Logs());
            Assert.True((await SegmentsAsync(cluster, (string)again["id"]!)).Count >= 2, "the second job was not split");
        }
        finally
        {
            // Before the cluster removes its folders: the worker may still hold the mount.
            tmpfs.Dispose();
        }
    }

    /// upres.db on a small tmpfs (the scratch on a tmpfs of its own, the storage root elsewhere) that
    /// fills while a job is processing. Every write is refused with 507 storage_full (the door in its
    /// own shape), nothing refused is stored or charged, reads keep working, and the running job waits:
    /// once the disk is bigger the same attempt completes it, charged once, without a restart.
    [TmpfsFact]
    public async Task A_full_database_disk_refuses_writes_with_storage_full_keeps_reads_and_loses_no_job()
    {
        var data = TempDirectory.Create("upres-dbfull");
        var storage = TempDirectory.Create("upres-dbfull-storage");
        using var database = Tmpfs.Mount(data, 4L * 1024 * 1024);
        using var scratch = Tmpfs.Mount(Path.Combine(data, "tmp"), 256L * 1024 * 1024);
        try
        {
            await using var server = await UpresTestServer.StartAsync(new Dictionary<string, string?>
            {
                ["UPRES_DATA"] = data,
                ["UPRES_STORAGE"] = storage,
                ["UPRES_WORKERS"] = "1",
                ["UPRES_LEASE_SECONDS"] = "10",
                ["UPRES_MIN_FREE_MB"] = "0",
            }, dataDirectory: data);
            var (_, client, key) = await server.CreateAccountAsync(credits: 1000);
            var clip = Clips.Small(seconds: 60);
            var upload = await client.UploadIdAsync(clip);
            var create = await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, use_sr = false, scale = 2 });
            Assert.True(create.IsSuccessStatusCode, await create.Content.ReadAsStringAsync());
            var jobId = (string)(await create.ReadObjectAsync())["id"]!;
            await client.JobUntilAsync(jobId, j => (string)j["status"]! != "queued");

            Fill(Path.Combine(data, "filler"));

            // Writes: one refusal each, a stable code, nothing stored. The first few may still fit
            // in the write-ahead log's last page.
            await CreateAccountsUntilStorageFullAsync(server, within: 20, nameLength: 0);

            await AssertStorageFullAsync(await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, use_sr = false, scale = 2 }));
            await AssertStorageFullAsync(await client.UploadAsync(clip));
            using (var kokoon = server.Client())
            {
                kokoon.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", key);
                var refused = await kokoon.UploadAsync(clip, "file", "/kokoon/api/sr/v3/video");
                Assert.Equal(HttpStatusCode.InsufficientStorage, refused.StatusCode);
                Assert.Contains("storage is full", (string)(await refused.ReadObjectAsync())["message"]!, StringComparison.Ordinal);
            }

            Assert.Single(FilesUnder(Path.Combine(storage, "uploads")));

            // Reads: the job is still the running attempt's, and the account shows only what was accepted.
            var running = await (await client.GetAsync($"/v1/jobs/{jobId}")).ReadObjectAsync();
            Assert.Equal("processing", (string)running["status"]!);
            var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
            Assert.Equal(["reserve", "grant"], me["ledger"]!.AsArray().Select(e => (string)e!["kind"]!));
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal("processing", (string)(await (await client.GetAsync($"/v1/jobs/{jobId}")).ReadObjectAsync())["status"]!);

            // Space is back: the same server, no restart; the attempt that was running completes the job.
            database.Resize(64L * 1024 * 1024);
            var job = await client.JobFinishedAsync(jobId);
            Assert.True((string)job["status"]! == "completed", job.ToJsonString());
            Assert.Equal(1, (int)job["attempts"]!);
            me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
            Assert.Equal(["charge", "reserve", "grant"], me["ledger"]!.AsArray().Select(e => (string)e!["kind"]!));
            Assert.Equal(0, (long)me["account"]!["reserved"]!);
            Assert.Equal(HttpStatusCode.Created, (await server.Admin.PostAsJsonAsync("/v1/admin/accounts", new { name = "after", credits = 1 })).StatusCode);
        }
        finally
        {
            scratch.Dispose();
            database.Dispose();
            Directory.Delete(data, recursive: true);
            Directory.Delete(storage, recursive: true);
        }
    }

    /// A PostgreSQL cluster whose data disk (a small tmpfs; the write-ahead log on its own disk, as
    /// in production) fills under a running server: statements that need a new page fail with
    /// disk_full, which the API answers as 507 storage_full without a stack trace, reads keep working,
    /// and once space is freed the same server writes again.
    [TmpfsFact]
    public async Task A_full_postgresql_data_disk_refuses_writes_with_storage_full_and_recovers()
    {
        var mount = TempDirectory.Create("upres-pgfull");
        var data = TempDirectory.Create("upres-pgfull-data");
        try
        {
            using var disk = Tmpfs.Mount(mount, 96L * 1024 * 1024);
            using var cluster = PostgresCluster.TryStart(dataParent: mount) ?? throw new InvalidOperationException(PostgresCluster.MissingMessage);
            await FillAndRecoverAsync(cluster, mount, data);
        }
        finally
        {
            // The server removes its data folder when it stops; the mount point is left.
            foreach (var folder in new[] { data, mount }.Where(Directory.Exists))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task FillAndRecoverAsync(PostgresCluster cluster, string mount, string data)
    {
        var database = $"t_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(cluster.ConnectionString))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"CREATE DATABASE {database}");
        }

        await using var server = await UpresTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["UPRES_DATA"] = data,
            ["UPRES_DB_CONNECTION"] = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = database }.ConnectionString,
            ["UPRES_WORKERS"] = "0",
            ["UPRES_MIN_FREE_MB"] = "0",
        }, dataDirectory: data);
        var (_, client, _) = await server.CreateAccountAsync(credits: 10);

        var filler = Path.Combine(mount, "filler");
        Fill(filler);
        // Rows go into pages that still have room until a table or an index needs a new one.
        await CreateAccountsUntilStorageFullAsync(server, within: 5000, nameLength: 180);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/account")).StatusCode);

        File.Delete(filler);
        var again = await server.Admin.PostAsJsonAsync("/v1/admin/accounts", new { name = "after", credits = 1 });
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        NpgsqlConnection.ClearAllPools();
    }

    /// Creates accounts (names padded to take room) until one is refused, which must be storage_full.
    private static async Task CreateAccountsUntilStorageFullAsync(UpresTestServer server, int within, int nameLength)
    {
        for (var i = 0; ; i++)
        {
            var name = nameLength > 0 ? $"late-{i}-{new string('x', nameLength)}" : $"late-{i}";
            var account = await server.Admin.PostAsJsonAsync("/v1/admin/accounts", new { name, credits = 1 });
            if (account.StatusCode != HttpStatusCode.Created)
            {
                await AssertStorageFullAsync(account);
                return;
            }

            Assert.True(i < within, "the database disk is full and writes still succeed");
        }
    }

    private static async Task AssertStorageFullAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.InsufficientStorage, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = System.Text.Json.Nodes.JsonNode.Parse(body)!;
        Assert.Equal("storage_full", (string)problem["code"]!);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    /// Writes until the file system refuses another byte.
    private static void Fill(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        foreach (var block in new[] { 1 << 16, 512, 1 })
        {
            var bytes = new byte[block];
            try
            {
                while (true)
                {
                    file.Write(bytes);
                }
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<string> CreateSplitJobAsync(WorkerCluster cluster, string upload, string hook)
    {
        var create = await cluster.Client.PostAsJsonAsync("/v1/jobs",
            new { input = new { upload_id = upload }, use_sr = false, scale = 2, webhook_url = cluster.Receiver.Url(hook) });
        Assert.True(create.IsSuccessStatusCode, await create.Content.ReadAsStringAsync());
        return (string)(await create.ReadObjectAsync())["id"]!;
    }

    private static List<string> Ends(WorkerCluster cluster, string jobId)
        => [.. cluster.Receiver.Deliveries.Select(d => System.Text.Json.Nodes.JsonNode.Parse(d.Body)!)
            .Where(b => (string)b["data"]!["id"]! == jobId && (string)b["type"]! is "job.completed" or "job.failed" or "job.cancelled")
            .Select(b => (string)b["type"]!)];

    private sealed record Segment(string Status, long Attempts);

    private static async Task<List<Segment>> SegmentsAsync(WorkerCluster cluster, string jobId)
    {
        await using var c = new NpgsqlConnection(cluster.Postgres.ConnectionString);
        return [.. await c.QueryAsync<Segment>("SELECT status, attempts FROM segments WHERE job_id = @jobId ORDER BY idx", new { jobId })];
    }

    private static async Task<System.Text.Json.Nodes.JsonObject> RunAsync(HttpClient client, string upload)
    {
        var create = await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, use_sr = false, scale = 2 });
        Assert.True(create.IsSuccessStatusCode, await create.Content.ReadAsStringAsync());
        return await client.JobFinishedAsync((string)(await create.ReadObjectAsync())["id"]!);
    }

    private static string[] FilesUnder(string folder)
        => Directory.Exists(folder) ? Directory.GetFileSystemEntries(folder, "*", SearchOption.AllDirectories) : [];
}
