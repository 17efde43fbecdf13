using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Upres.Engine.Pipeline;
using Upres.Service.Jobs;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// The worker's run of a job gets the probe and the plan stored with the job: the engine plans on
/// that probe (no second probe of the user's file), pins every ffmpeg run to its demuxer, is held
/// to the stored plan, and makes what was priced. The real engine runs; a recorder beside it keeps
/// the requests the worker handed it.
[Collection("processing")]
public sealed class PlannedJobTests : IAsyncLifetime
{
    private readonly RecordingUpscaler _recorder = new();
    private UpresTestServer _server = null!;
    private FileServer _site = null!;

    public async Task InitializeAsync()
    {
        _site = await FileServer.StartAsync();
        _server = await UpresTestServer.StartAsync(new Dictionary<string, string?> { ["UPRES_FETCH_ALLOW"] = "127.0.0.1:*" }, builder =>
        {
            var engine = builder.Services.Single(d => d.ServiceType == typeof(IVideoUpscaler));
            builder.Services.Remove(engine);
            builder.Services.AddSingleton<IVideoUpscaler>(sp => _recorder.Around((IVideoUpscaler)engine.ImplementationFactory!(sp)));
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _site.DisposeAsync();
    }

    [Fact]
    public async Task A_job_on_an_upload_runs_on_its_stored_probe_and_plan_and_makes_the_priced_output()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 50);
        var upload = await client.UploadIdAsync(Clips.Small(seconds: 1));
        var created = await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, width = 301, use_sr = false })).ReadObjectAsync();
        var id = (string)created["id"]!;

        var job = await client.JobFinishedAsync(id);

        Assert.Equal("completed", (string)job["status"]!);
        await AssertRunHeldToTheStoredPlanAsync(id, "mov");
    }

    [Fact]
    public async Task A_job_on_a_url_stores_the_probe_of_its_prepare_stage_and_runs_on_it()
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 50);
        var url = _site.Serve(Clips.Small(seconds: 1));
        var created = await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { url }, height = 199, max_fps = 8, use_sr = false })).ReadObjectAsync();
        var id = (string)created["id"]!;

        var job = await client.JobFinishedAsync(id);

        Assert.Equal("completed", (string)job["status"]!);
        await AssertRunHeldToTheStoredPlanAsync(id, "mov");
    }

    private async Task AssertRunHeldToTheStoredPlanAsync(string jobId, string demuxer)
    {
        var stored = await _server.Service<IJobStore>().GetAsync(jobId, CancellationToken.None);
        Assert.NotNull(stored?.Probe);
        Assert.Equal(demuxer, stored.Probe.Demuxer);
        var run = Assert.Single(_recorder.Requests, r => r.Plan == stored.Plan);
        Assert.Equal(demuxer, run.Probe?.Demuxer);
        Assert.Equal(JsonSerializer.Serialize(stored.Probe), JsonSerializer.Serialize(run.Probe));
        var plan = stored.Planned;
        var result = stored.Result!;
        Assert.Equal((plan.Width, plan.Height, plan.FrameRate, plan.Frames), (result.Width, result.Height, result.FrameRate, result.Frames));
    }

    /// Passes every call to the real engine and keeps the requests.
    private sealed class RecordingUpscaler : IVideoUpscaler
    {
        private IVideoUpscaler _engine = null!;

        public ConcurrentQueue<UpscaleRequest> Requests { get; } = new();

        public IVideoUpscaler Around(IVideoUpscaler engine)
        {
            _engine = engine;
            return this;
        }

        public Task<UpscaleResult> UpscaleAsync(UpscaleRequest request, IProgress<UpscaleProgress>? progress, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request);
            return _engine.UpscaleAsync(request, progress, cancellationToken);
        }

        public Task<FrameTimeline> ReadTimelineAsync(UpscaleRequest request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request);
            return _engine.ReadTimelineAsync(request, cancellationToken);
        }

        public Task<VideoSegment> UpscaleSegmentAsync(UpscaleRequest request, FrameTimeline timeline, FrameRange range, string segmentPath,
            IProgress<UpscaleProgress>? progress, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request);
            return _engine.UpscaleSegmentAsync(request, timeline, range, segmentPath, progress, cancellationToken);
        }

        public Task<UpscaleResult> JoinSegmentsAsync(UpscaleRequest request, FrameTimeline timeline, IReadOnlyList<VideoSegment> segments, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request);
            return _engine.JoinSegmentsAsync(request, timeline, segments, cancellationToken);
        }
    }
}
