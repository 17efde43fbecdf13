using System.Net;
using System.Net.Http.Json;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// A nearly full storage root refuses new uploads and jobs with one clear code. The threshold stands
/// in for a full disk: set above the free space this machine has, every new upload and job is refused.
public sealed class StorageSpaceTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;

    public async Task InitializeAsync() => _server = await UpresTestServer.StartAsync(new Dictionary<string, string?>
    {
        ["UPRES_WORKERS"] = "0",
        ["UPRES_MIN_FREE_MB"] = "1000000000",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Uploads_and_jobs_are_refused_with_insufficient_storage_while_free_space_is_under_the_threshold()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 100);
        var upload = await client.UploadAsync(Clips.Small());
        Assert.Equal(HttpStatusCode.InsufficientStorage, upload.StatusCode);
        Assert.Equal("application/problem+json", upload.Content.Headers.ContentType!.MediaType);
        Assert.Equal("insufficient_storage", (string)(await upload.ReadObjectAsync())["code"]!);

        var job = await client.PostAsJsonAsync("/v1/jobs", new { input = new { url = "https://example.com/a.mp4" } });
        Assert.Equal(HttpStatusCode.InsufficientStorage, job.StatusCode);
        Assert.Equal("insufficient_storage", (string)(await job.ReadObjectAsync())["code"]!);

        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal(0, (long)me["account"]!["reserved"]!);
        Assert.Empty(Directory.Exists(Path.Combine(_server.DataDirectory, "uploads")) ? Directory.GetFiles(Path.Combine(_server.DataDirectory, "uploads")) : []);
    }
}
