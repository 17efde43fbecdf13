using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Upres.Service.Dialects;
using Upres.Service.Dialects.HitPaw;
using Upres.Service.Dialects.KieAi;
using Upres.Service.Problems;
using Upres.Service.Storage;
using Upres.Service.Tests.Dialects;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

public sealed class SqliteStorageQuotaTests : StorageQuotaTests
{
    protected override Task<Dictionary<string, string?>> DatabaseSettingsAsync() => Task.FromResult(new Dictionary<string, string?>());
}

public sealed class PostgresStorageQuotaTests(PostgresClusterFixture cluster) : StorageQuotaTests, IClassFixture<PostgresClusterFixture>
{
    protected override async Task<Dictionary<string, string?>> DatabaseSettingsAsync()
        => new() { ["UPRES_DB"] = "postgres", ["UPRES_DB_CONNECTION"] = await cluster.CreateDatabaseAsync() };
}

/// A per-account quota on the bytes an account keeps (its uploads and its jobs' results), so one
/// account cannot fill the disk: counted atomically when a file is stored, given back when it goes.
public abstract class StorageQuotaTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;

    protected abstract Task<Dictionary<string, string?>> DatabaseSettingsAsync();

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<UpresTestServer> StartAsync(params (string Key, string Value)[] extra)
    {
        var settings = await DatabaseSettingsAsync();
        settings["UPRES_WORKERS"] = "0";
        settings["UPRES_MIN_FREE_MB"] = "0";
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return await UpresTestServer.StartAsync(settings);
    }

    private static async Task<JsonObject> StorageAsync(HttpClient client)
        => (await (await client.GetAsync("/v1/account")).ReadObjectAsync())["account"]!["storage"]!.AsObject();

    private static async Task SetQuotaAsync(UpresTestServer server, string accountId, long? bytes)
    {
        var response = await server.Admin.PutAsJsonAsync($"/v1/admin/accounts/{accountId}/storage-quota", new { quota_bytes = bytes });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private string[] UploadedFiles(UpresTestServer server)
    {
        var folder = Path.Combine(server.DataDirectory, "uploads");
        return Directory.Exists(folder) ? Directory.GetFiles(folder) : [];
    }

    [Fact]
    public async Task An_upload_past_the_account_quota_is_refused_with_storage_quota_exceeded_and_leaves_no_file()
    {
        var clip = Clips.Small();
        var size = new FileInfo(clip).Length;
        var (accountId, client, key) = await _server.CreateAccountAsync(credits: 100);
        await SetQuotaAsync(_server, accountId, size * 3 / 2);

        var first = await client.UploadIdAsync(clip);
        var storage = await StorageAsync(client);
        Assert.Equal(size, (long)storage["used_bytes"]!);
        Assert.Equal(size * 3 / 2, (long)storage["quota_bytes"]!);
        Assert.True((bool)storage["quota_overridden"]!);

        var second = await client.UploadAsync(clip);
        Assert.Equal(HttpStatusCode.InsufficientStorage, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType!.MediaType);
        var problem = await second.ReadObjectAsync();
        Assert.Equal("storage_quota_exceeded", (string)problem["code"]!);
        Assert.Equal(size, (long)problem["used_bytes"]!);
        Assert.Equal(size, (long)(await StorageAsync(client))["used_bytes"]!);
        Assert.Single(UploadedFiles(_server));

        // The same refusal through a door's own upload call, in its own shape.
        using (var kokoon = _server.Client())
        {
            kokoon.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", key);
            var refused = await kokoon.UploadAsync(clip, "file", "/kokoon/api/sr/v3/video");
            Assert.Equal(HttpStatusCode.InsufficientStorage, refused.StatusCode);
            Assert.Contains("quota", (string)(await refused.ReadObjectAsync())["message"]!, StringComparison.Ordinal);
        }

        // With the quota used up no job is accepted either: its result would have nowhere to go.
        await SetQuotaAsync(_server, accountId, size);
        var job = await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = first } });
        Assert.Equal(HttpStatusCode.InsufficientStorage, job.StatusCode);
        Assert.Equal("storage_quota_exceeded", (string)(await job.ReadObjectAsync())["code"]!);
        var (status, mingyan) = await _server.SendAsync(HttpMethod.Post, "/kyyReactApiServer/v1/super-resolution/videos",
            """{"model":"superResolution-720p-lowfps","videoUrl":"https://example.com/in.mp4"}""", ("Authorization", $"Bearer {key}"));
        Assert.Equal(HttpStatusCode.InsufficientStorage, status);
        Assert.Equal("storage_quota_exceeded", (string)mingyan["code"]!);
        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal(0, (long)me["account"]!["reserved"]!);

        // Back to the server's default (20 GiB): the upload fits again.
        await SetQuotaAsync(_server, accountId, null);
        storage = await StorageAsync(client);
        Assert.False((bool)storage["quota_overridden"]!);
        Assert.Equal(20L * 1024 * 1024 * 1024, (long)storage["quota_bytes"]!);
        await client.UploadIdAsync(clip);
        Assert.Equal(2 * size, (long)(await StorageAsync(client))["used_bytes"]!);
    }

    [Fact]
    public async Task Concurrent_uploads_cannot_both_take_the_last_room_under_the_quota()
    {
        var clip = Clips.Small();
        var size = new FileInfo(clip).Length;
        var (accountId, client, _) = await _server.CreateAccountAsync(credits: 100);
        await SetQuotaAsync(_server, accountId, size * 3 / 2);

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.UploadAsync(clip)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created || a.StatusCode == HttpStatusCode.OK);
        foreach (var refused in answers.Where(a => !a.IsSuccessStatusCode))
        {
            Assert.Equal(HttpStatusCode.InsufficientStorage, refused.StatusCode);
            Assert.Equal("storage_quota_exceeded", (string)(await refused.ReadObjectAsync())["code"]!);
        }

        Assert.Equal(size, (long)(await StorageAsync(client))["used_bytes"]!);
        Assert.Single(UploadedFiles(_server));
    }

    [Fact]
    public async Task Expired_uploads_give_their_bytes_back_to_the_quota()
    {
        await using var server = await StartAsync(("UPRES_RETENTION_HOURS", "0.001"));
        var (_, client, _) = await server.CreateAccountAsync(credits: 100);
        await client.UploadIdAsync(Clips.Small());
        Assert.True((long)(await StorageAsync(client))["used_bytes"]! > 0);

        // Retention is 3.6 s, swept about every second.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while ((long)(await StorageAsync(client))["used_bytes"]! != 0 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal(0, (long)(await StorageAsync(client))["used_bytes"]!);
        Assert.Empty(UploadedFiles(server));
    }

    [Fact]
    public async Task A_result_counts_against_the_quota_and_deleting_its_job_gives_the_bytes_back()
    {
        await using var server = await StartAsync(("UPRES_WORKERS", "1"));
        var clip = Clips.Tiny();
        var (_, client, _) = await server.CreateAccountAsync(credits: 100);
        var upload = await client.UploadIdAsync(clip);
        var create = await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, use_sr = false, scale = 2 });
        Assert.True(create.IsSuccessStatusCode, await create.Content.ReadAsStringAsync());
        var jobId = (string)(await create.ReadObjectAsync())["id"]!;
        var job = await client.JobFinishedAsync(jobId);
        Assert.Equal("completed", (string)job["status"]!);

        var resultBytes = (long)job["result"]!["size_bytes"]!;
        Assert.True(resultBytes > 0);
        Assert.Equal(new FileInfo(clip).Length + resultBytes, (long)(await StorageAsync(client))["used_bytes"]!);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/jobs/{jobId}")).StatusCode);
        Assert.Equal(new FileInfo(clip).Length, (long)(await StorageAsync(client))["used_bytes"]!);
    }

    [Fact]
    public void Every_door_words_a_used_up_quota_in_its_own_shape()
    {
        var problem = Errors.StorageQuotaExceeded(StorageUsage.Of(10, 10, 0), 5).ToDialectProblem();
        Assert.Equal(ProblemKind.StorageQuotaExceeded, problem.Kind);

        var (hitPawStatus, hitPaw) = HitPawDialect.Error(problem);
        Assert.Equal(507, hitPawStatus);
        Assert.Equal(HitPawErrorCodes.StorageQuotaExceeded, hitPaw.Code);
        var (kieStatus, kie) = KieDialect.Error(problem);
        Assert.Equal(507, kieStatus);
        Assert.Equal(507, kie.Code);
        Assert.Equal(ProblemKind.InsufficientStorage, Errors.InsufficientStorage().ToDialectProblem().Kind);
    }
}
