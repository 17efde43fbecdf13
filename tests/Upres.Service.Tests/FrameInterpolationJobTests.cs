using System.Net;
using System.Net.Http.Json;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// The native API's `fps`: priced and planned on the interpolated frames, refused on a
/// variable-frame-rate input unless `interpolate_vfr` says so, and never mixed with `max_fps`.
public sealed class FrameInterpolationJobTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;

    public async Task InitializeAsync() => _server = await UpresTestServer.StartAsync(new Dictionary<string, string?>());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_job_interpolated_from_30_to_60_fps_costs_what_a_60_fps_job_of_the_same_length_costs()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 100);
        var thirty = await client.UploadIdAsync(Clips.Small(seconds: 2, fps: 30));
        var sixty = await client.UploadIdAsync(Clips.Small(seconds: 2, fps: 60));

        var plain = await EstimateAsync(client, new { input = new { upload_id = thirty }, scale = 2, estimate_only = true });
        var interpolated = await EstimateAsync(client, new { input = new { upload_id = thirty }, scale = 2, fps = 60, estimate_only = true });
        var native = await EstimateAsync(client, new { input = new { upload_id = sixty }, scale = 2, estimate_only = true });

        Assert.Equal((long)native["price"]!, (long)interpolated["price"]!);
        Assert.Equal((string)native["price_tier"]!, (string)interpolated["price_tier"]!);
        Assert.True((long)interpolated["price"]! > (long)plain["price"]!, $"{interpolated} vs {plain}");
        Assert.Equal(120, (long)interpolated["output"]!["frames"]!);
        Assert.Equal(60, (double)interpolated["output"]!["frame_rate"]!);
    }

    [Fact]
    public async Task An_interpolated_job_runs_to_the_planned_frames_and_rate_with_its_audio_and_is_charged_its_quote()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 50);
        var upload = await client.UploadIdAsync(Clips.Tiny(seconds: 1));
        var created = await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, scale = 2, fps = 10 })).ReadObjectAsync();

        var job = await client.JobFinishedAsync((string)created["id"]!);

        Assert.True((string)job["status"]! == "completed", job.ToJsonString());
        Assert.Equal(10, (long)job["output"]!["frames"]!);
        Assert.Equal(10, (double)job["result"]!["frame_rate"]!, 1);
        Assert.InRange((double)job["result"]!["duration_seconds"]!, 0.9, 1.2);
        using var anonymous = new HttpClient();
        var path = Path.Combine(_server.DataDirectory, "interpolated.mp4");
        await File.WriteAllBytesAsync(path, await anonymous.GetByteArrayAsync((string)job["result"]!["url"]!));
        var probe = Clips.Probe(path);
        Assert.Equal((256, 256, 10.0), (probe.Width, probe.Height, Math.Round(probe.Fps, 1)));
        Assert.True(probe.Audio);
        var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal(50 - (long)created["price"]!, (long)me["account"]!["balance"]!);
    }

    [Fact]
    public async Task A_variable_frame_rate_input_is_refused_for_interpolation_unless_asked()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 100);
        // 30 fps frames with a 0.4 s gap after the tenth: the stream says 30 fps, the average is lower.
        var vfr = await client.UploadIdAsync(Clips.Make("vfr-160x128.mp4", ["-f", "lavfi", "-i", "testsrc2=size=160x128:rate=30", "-t", "1",
            "-vf", "setpts='PTS+gte(N\\,10)*0.4/TB'", "-fps_mode", "passthrough", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]));

        var refused = await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = vfr }, scale = 2, fps = 60, estimate_only = true });
        var asked = await EstimateAsync(client, new { input = new { upload_id = vfr }, scale = 2, fps = 60, interpolate_vfr = true, estimate_only = true });
        var untouched = await EstimateAsync(client, new { input = new { upload_id = vfr }, scale = 2, estimate_only = true });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = await refused.ReadObjectAsync();
        Assert.Equal("variable_frame_rate", (string)problem["code"]!);
        Assert.Contains("interpolate_vfr", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Equal(60, (double)asked["output"]!["frame_rate"]!);
        Assert.True((long)untouched["price"]! > 0);
    }

    [Theory]
    [InlineData("""{"fps":60,"max_fps":30}""", "max_fps")]
    [InlineData("""{"fps":500}""", "'fps'")]
    [InlineData("""{"interpolate_vfr":true}""", "interpolate_vfr")]
    public async Task Contradictory_frame_rate_fields_get_a_400_naming_them(string fields, string named)
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 100);
        var upload = await client.UploadIdAsync(Clips.Small());
        var body = System.Text.Json.Nodes.JsonNode.Parse(fields)!.AsObject();
        body["input"] = new System.Text.Json.Nodes.JsonObject { ["upload_id"] = upload };

        var response = await client.PostAsJsonAsync("/v1/jobs", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadObjectAsync();
        Assert.Equal("invalid_request", (string)problem["code"]!);
        Assert.Contains(named, (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fields_reach_the_engine_with_the_priced_output_frames_as_its_budget()
    {
        var spec = new Upres.Service.Jobs.CreateJobBody { Fps = 60, InterpolateVfr = true }.ToSpec();

        var request = spec.ToUpscaleRequest("in.mp4", "out.mp4", plan: new Upres.Engine.Pipeline.PlannedOutput(320, 256, 60, TimeSpan.FromSeconds(2), 120, 160, 128, 30));

        Assert.Equal((60.0, true, 120L), (request.TargetFps, request.InterpolateVfr, request.MaxFrames));
    }

    private static async Task<System.Text.Json.Nodes.JsonObject> EstimateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/v1/jobs", body);
        var json = await response.ReadObjectAsync();
        Assert.True(response.IsSuccessStatusCode, json.ToJsonString());
        return json;
    }
}
