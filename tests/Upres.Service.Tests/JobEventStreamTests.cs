using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Upres.Service.Data;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

public sealed class SqliteJobEventStreamTests : JobEventStreamTests
{
    protected override Task<IDictionary<string, string?>> DatabaseSettingsAsync() => Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>());

    protected override IUpresDatabase OpenDatabaseBesideServer(UpresTestServer server) => new SqliteDatabase(Path.Combine(server.DataDirectory, "upres.db"));
}

public sealed class PostgresJobEventStreamTests(PostgresClusterFixture cluster) : JobEventStreamTests, IClassFixture<PostgresClusterFixture>
{
    private string _connection = "";

    protected override async Task<IDictionary<string, string?>> DatabaseSettingsAsync()
    {
        _connection = await cluster.CreateDatabaseAsync();
        return new Dictionary<string, string?> { ["UPRES_DB"] = "postgres", ["UPRES_DB_CONNECTION"] = _connection };
    }

    protected override IUpresDatabase OpenDatabaseBesideServer(UpresTestServer server) => new PostgresDatabase(_connection);
}

/// GET /v1/jobs/{id}/events: capped per API key, and pushed from one signal per process that also
/// carries changes other processes write (PostgreSQL NOTIFY; SQLite's one change poll).
public abstract class JobEventStreamTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;

    protected abstract Task<IDictionary<string, string?>> DatabaseSettingsAsync();

    /// A connection of its own to the server's database, as another process (an `upres worker`) has.
    protected abstract IUpresDatabase OpenDatabaseBesideServer(UpresTestServer server);

    public async Task InitializeAsync()
    {
        var settings = await DatabaseSettingsAsync();
        settings["UPRES_WORKERS"] = "0";
        settings["UPRES_EVENT_STREAMS_PER_KEY"] = "2";
        _server = await UpresTestServer.StartAsync(settings);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(HttpClient Client, string AccountId, string JobId)> QueuedJobAsync()
    {
        var (accountId, client, _) = await _server.CreateAccountAsync(credits: 100);
        var upload = await client.UploadIdAsync(Clips.Small());
        var job = await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload } })).ReadObjectAsync();
        return (client, accountId, (string)job["id"]!);
    }

    [Fact]
    public async Task A_key_holds_at_most_its_limit_of_streams_and_the_next_gets_too_many_streams()
    {
        var (client, accountId, jobId) = await QueuedJobAsync();
        var path = $"/v1/jobs/{jobId}/events";
        var first = await EventStream.OpenAsync(client, path);
        using var second = await EventStream.OpenAsync(client, path);
        Assert.Equal("job", (await first.NextAsync()).Event);
        Assert.Equal("job", (await second.NextAsync()).Event);

        var refused = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        Assert.Equal("too_many_streams", (string)(await refused.ReadObjectAsync())["code"]!);

        // The limit is per key: another key of the same account opens its own.
        var otherKey = (string)(await (await _server.Admin.PostAsync($"/v1/admin/accounts/{accountId}/keys", null)).ReadObjectAsync())["key"]!;
        using var other = await EventStream.OpenAsync(_server.Client(otherKey), path);
        Assert.Equal("job", (await other.NextAsync()).Event);

        // A closed stream gives its slot back.
        first.Dispose();
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        HttpResponseMessage again;
        while ((again = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead)).StatusCode == HttpStatusCode.TooManyRequests && DateTimeOffset.UtcNow < deadline)
        {
            again.Dispose();
            await Task.Delay(100);
        }

        using (again)
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
    }

    [Fact]
    public async Task A_change_written_by_another_process_reaches_an_open_stream_and_the_end_closes_it()
    {
        var (client, _, jobId) = await QueuedJobAsync();
        using var stream = await EventStream.OpenAsync(client, $"/v1/jobs/{jobId}/events");
        var (name, first) = await stream.NextAsync();
        Assert.Equal("job", name);
        Assert.Equal(0.0, (double)first["progress"]!);

        var db = OpenDatabaseBesideServer(_server);
        try
        {
            await using var c = await db.OpenAsync(CancellationToken.None);
            await using var update = c.CreateCommand();
            update.CommandText = string.Create(CultureInfo.InvariantCulture,
                $"UPDATE jobs SET progress = 0.42, updated_at = {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()} WHERE id = '{jobId}'");
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }
        finally
        {
            (db as IDisposable)?.Dispose();
        }

        var (changedName, changed) = await stream.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("job", changedName);
        Assert.Equal(42.0, (double)changed["progress"]!);

        await client.PostAsync($"/v1/jobs/{jobId}/cancel", null);
        var (endName, end) = await stream.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("done", endName);
        Assert.Equal("cancelled", (string)end["status"]!);
        await Assert.ThrowsAsync<EndOfStreamException>(() => stream.NextAsync(TimeSpan.FromSeconds(10)));
    }
}
