using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// Result links and retention on the real clock, with lifetimes of seconds: a link stops working
/// when it expires, and the retention sweep deletes the result and the upload while the job and
/// its ledger stay.
[Collection("processing")]
public sealed class ResultLifetimeTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;

    public async Task InitializeAsync() => _server = await UpresTestServer.StartAsync(new Dictionary<string, string?>
    {
        ["UPRES_RESULT_LINK_HOURS"] = "0.001", // 3.6 s
        ["UPRES_RETENTION_HOURS"] = "0.003", // 10.8 s, swept about every second
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_expired_link_is_refused_and_retention_deletes_the_files_but_keeps_the_job()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 50);
        var upload = await client.UploadIdAsync(Clips.Tiny(seconds: 1));
        var id = (string)(await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, scale = 2 })).ReadObjectAsync())["id"]!;
        var job = await client.JobFinishedAsync(id);
        Assert.Equal("completed", (string)job["status"]!);

        var url = (string)job["result"]!["url"]!;
        var expires = DateTimeOffset.Parse((string)job["result"]!["expires_at"]!, CultureInfo.InvariantCulture);
        using var anonymous = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(url)).StatusCode);

        await Task.Delay(expires - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1.5));
        var expired = await anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Equal("link_expired", (string)(await expired.ReadObjectAsync())["code"]!);
        var fresh = await client.JobFinishedAsync(id);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync((string)fresh["result"]!["url"]!)).StatusCode);

        var finished = DateTimeOffset.Parse((string)fresh["finished_at"]!, CultureInfo.InvariantCulture);
        await Task.Delay(finished + TimeSpan.FromHours(0.003) - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(3));
        var swept = await client.JobFinishedAsync(id);
        Assert.Equal("completed", (string)swept["status"]!);
        Assert.Null(swept["result"]);
        Assert.False(Directory.Exists(Path.Combine(_server.DataDirectory, "results", id)));
        Assert.Empty(Directory.GetFiles(Path.Combine(_server.DataDirectory, "uploads")));
        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal(["charge", "reserve", "grant"], me["ledger"]!.AsArray().Select(e => (string)e!["kind"]!));
    }

}
