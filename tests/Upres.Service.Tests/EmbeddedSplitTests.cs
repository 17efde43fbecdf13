using System.Net.Http.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// One server with two worker slots on SQLite (`upres serve --workers 2`): a long job is split
/// between the slots and joined, with the job's progress counted across both.
[Collection("processing")]
public sealed class EmbeddedSplitTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;

    public async Task InitializeAsync() => _server = await UpresTestServer.StartAsync(new Dictionary<string, string?>
    {
        ["UPRES_WORKERS"] = "2",
        ["UPRES_THREADS"] = "1",
        ["UPRES_LEASE_SECONDS"] = "5",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_twelve_second_clip_is_split_between_two_slots_and_joined_into_every_frame_with_its_audio()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 100);
        var upload = await client.UploadIdAsync(Clips.Tiny(seconds: 12));
        var created = await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, scale = 2 })).ReadObjectAsync();
        var id = (string)created["id"]!;
        var price = (long)created["price"]!;

        var seen = new List<long>();
        var job = await client.JobUntilAsync(id, j =>
        {
            seen.Add((long)j["frames_done"]!);
            return (string)j["status"]! is "completed" or "failed" or "cancelled";
        }, TimeSpan.FromMinutes(5));

        Assert.True((string)job["status"]! == "completed", job.ToJsonString());
        Assert.Equal(60, (long)job["output"]!["frames"]!);
        Assert.Contains(seen, f => f is > 0 and < 60);
        var segments = await SegmentsAsync(id);
        Assert.Equal(2, segments.Count);
        Assert.All(segments, s => Assert.Equal(("done", 30L), (s.Status, s.FrameCount)));
        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal((100 - price, 0L), ((long)me["account"]!["balance"]!, (long)me["account"]!["reserved"]!));
        using var anonymous = new HttpClient();
        var result = await anonymous.GetByteArrayAsync((string)job["result"]!["url"]!);
        var path = Path.Combine(_server.DataDirectory, "joined.mp4");
        await File.WriteAllBytesAsync(path, result);
        var probe = Clips.Probe(path);
        Assert.Equal((256, 256), (probe.Width, probe.Height));
        Assert.InRange(probe.Duration, 11.9, 12.2);
        Assert.True(probe.Audio);
        Assert.False(Directory.Exists(Path.Combine(_server.DataDirectory, "results", id, "segments")), "the segments were not cleaned up");
    }

    private sealed record Segment(string Status, long FrameCount);

    private async Task<List<Segment>> SegmentsAsync(string jobId)
    {
        await using var db = new SqliteConnection($"Data Source={Path.Combine(_server.DataDirectory, "upres.db")}");
        var rows = await db.QueryAsync<Segment>("SELECT status, frame_count AS FrameCount FROM segments WHERE job_id = @jobId ORDER BY idx", new { jobId });
        SqliteConnection.ClearAllPools();
        return [.. rows];
    }
}
