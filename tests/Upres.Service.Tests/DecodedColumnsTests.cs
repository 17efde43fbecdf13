using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Upres.Service.Jobs;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// A job row's JSON columns are decoded once per distinct text and shared by every later read.
public sealed class DecodedColumnsTests
{
    [Fact]
    public async Task Reading_a_job_again_reuses_its_decoded_spec_input_probe_and_plan()
    {
        await using var server = await UpresTestServer.StartAsync(new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0" });
        var (_, client, _) = await server.CreateAccountAsync();
        var upload = await client.UploadIdAsync(Clips.Tiny());
        var created = await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, scale = 3 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        var store = server.Service<IJobStore>();

        var first = (await store.GetAsync(id, CancellationToken.None))!;
        var second = (await store.GetAsync(id, CancellationToken.None))!;

        Assert.Same(first.Spec, second.Spec);
        Assert.Same(first.Input, second.Input);
        Assert.Same(first.Probe, second.Probe);
        Assert.Same(first.Plan, second.Plan);
        Assert.Equal(3, second.Spec.Scale);
        Assert.Equal(upload, second.Input.UploadId);
    }

    [Fact]
    public void A_full_memo_starts_over_and_every_text_still_decodes_to_its_own_value()
    {
        var memo = new DecodedColumns.Memo<JobInput>(JobRowJson.Default.JobInput);
        var texts = Enumerable.Range(0, DecodedColumns.Memo<JobInput>.Capacity + 10)
            .Select(i => JsonSerializer.Serialize(new JobInput($"upl_{i}", null), JobRowJson.Default.JobInput)).ToList();

        var decoded = texts.Select(memo.Decode).ToList();

        Assert.Equal(texts.Count, decoded.Select(d => d.UploadId).Distinct().Count());
        Assert.Equal("upl_7", memo.Decode(texts[7]).UploadId);
        Assert.Same(decoded[^1], memo.Decode(texts[^1]));
    }
}
