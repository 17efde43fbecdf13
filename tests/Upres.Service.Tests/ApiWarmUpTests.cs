using System.Net;
using System.Net.Http.Json;
using Upres.Service.Data;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// Before a server listens it has read the newest job the way GET /v1/jobs/{id} does: the first
/// clients after a start find the statement prepared and its row parser built on an idle connection.
public sealed class ApiWarmUpTests
{
    private const string JobRead = "SELECT * FROM jobs WHERE id = @key";

    [Fact]
    public async Task A_server_has_read_the_newest_job_before_its_first_request()
    {
        var data = TempDirectory.Create("upres-warmup");
        var settings = new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0" };
        await using var first = await UpresTestServer.StartAsync(settings, dataDirectory: data);
        var (_, client, _) = await first.CreateAccountAsync();
        var upload = await client.UploadIdAsync(Clips.Tiny());
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload } })).StatusCode);
        // Started on an empty database, the first server has read no job row yet.
        Assert.DoesNotContain(JobRead, ((SqliteDatabase)first.Service<IUpresDatabase>()).ReadyStatements);

        // A second node on the same database (or this one restarted) starts with the job read ready.
        var second = await UpresTestServer.StartAsync(settings, dataDirectory: data);
        try
        {
            Assert.Contains(JobRead, Assert.IsType<SqliteDatabase>(second.Service<IUpresDatabase>()).ReadyStatements);
        }
        finally
        {
            // Disposing would delete the shared data folder under the first server.
            await second.App.StopAsync();
            await second.App.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_server_on_an_empty_database_starts_and_answers()
    {
        await using var server = await UpresTestServer.StartAsync(new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0" });
        var (_, client, _) = await server.CreateAccountAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/jobs/job_missing")).StatusCode);
    }
}
