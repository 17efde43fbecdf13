using System.Diagnostics.Metrics;
using Upres.Service.Jobs;

namespace Upres.Service.Metrics;

/// The service's own instruments on the `Upres` meter, exported at /metrics by OpenTelemetry's
/// Prometheus exporter beside ASP.NET Core's, Kestrel's and the runtime's. Names are the Prometheus
/// names; the exporter adds `_total` to counters and the unit to the histogram.
public sealed class UpresMetrics
{
    public const string MeterName = "Upres";

    private static readonly double[] WaitBuckets = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600];

    private readonly Counter<long> _created;
    private readonly Counter<long> _claims;
    private readonly Histogram<double> _queueWait;
    private readonly Counter<long> _frames;
    private readonly Counter<double> _processingSeconds;
    private readonly Counter<long> _webhookDelivered;
    private readonly Counter<long> _webhookFailures;
    private IReadOnlyDictionary<string, long> _jobsByState = new Dictionary<string, long>();
    private double _lastFps;

    public UpresMetrics(IMeterFactory meters, RunningJobs running)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("upres_jobs", ObserveJobs, description: "Jobs by state (all processes sharing the database).");
        meter.CreateObservableGauge("upres_jobs_running", () => running.Count, description: "Jobs running in this process.");
        _created = meter.CreateCounter<long>("upres_jobs_created", description: "Jobs accepted by this process.");
        _claims = meter.CreateCounter<long>("upres_work_claims", description: "Units of work claimed by this process's workers, by kind (job, and segment kinds as they come).");
        _queueWait = meter.CreateHistogram("upres_queue_wait", unit: "s", description: "Time from accepted to started.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = WaitBuckets });
        meter.CreateObservableGauge("upres_processing_fps", () => Volatile.Read(ref _lastFps), description: "Frames per second of the last finished job.");
        _frames = meter.CreateCounter<long>("upres_frames_processed", description: "Frames produced by finished jobs.");
        _processingSeconds = meter.CreateCounter<double>("upres_processing_seconds", description: "Time spent in finished jobs.");
        _webhookDelivered = meter.CreateCounter<long>("upres_webhook_deliveries", description: "Webhook messages delivered.");
        _webhookFailures = meter.CreateCounter<long>("upres_webhook_failures", description: "Failed webhook delivery attempts.");
    }

    public void JobCreated() => _created.Add(1);

    public void Claimed(string kind) => _claims.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void WebhookDelivered() => _webhookDelivered.Add(1);

    public void WebhookFailed() => _webhookFailures.Add(1);

    public void QueueWait(TimeSpan wait) => _queueWait.Record(Math.Max(0, wait.TotalSeconds));

    public void Processed(long frames, TimeSpan elapsed, double fps)
    {
        _frames.Add(frames);
        _processingSeconds.Add(elapsed.TotalSeconds);
        Volatile.Write(ref _lastFps, fps);
    }

    /// The job counts come from the database, which an observable callback cannot await: /metrics
    /// reads them just before the exporter collects.
    public void SetJobCounts(IReadOnlyDictionary<string, long> byState) => Volatile.Write(ref _jobsByState, byState);

    private IEnumerable<Measurement<long>> ObserveJobs() =>
        Volatile.Read(ref _jobsByState).Select(kv => new Measurement<long>(kv.Value, new KeyValuePair<string, object?>("state", kv.Key)));
}
