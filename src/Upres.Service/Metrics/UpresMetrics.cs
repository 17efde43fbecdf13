using System.Globalization;
using System.Text;

namespace Upres.Service.Metrics;

/// Counters kept in this process, rendered with the store's job counts as Prometheus text.
public sealed class UpresMetrics
{
    private static readonly double[] WaitBuckets = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600];
    private readonly long[] _waitCounts = new long[WaitBuckets.Length + 1];
    private readonly Lock _lock = new();
    private double _waitSum;
    private long _waitCount;
    private long _created;
    private long _webhookDelivered;
    private long _webhookFailures;
    private long _framesProcessed;
    private double _processingSeconds;
    private double _lastFps;

    public void JobCreated() => Interlocked.Increment(ref _created);

    public void WebhookDelivered() => Interlocked.Increment(ref _webhookDelivered);

    public void WebhookFailed() => Interlocked.Increment(ref _webhookFailures);

    public void QueueWait(TimeSpan wait)
    {
        lock (_lock)
        {
            var s = Math.Max(0, wait.TotalSeconds);
            _waitSum += s;
            _waitCount++;
            for (var i = 0; i < WaitBuckets.Length; i++)
            {
                if (s <= WaitBuckets[i])
                {
                    _waitCounts[i]++;
                }
            }
        }
    }

    public void Processed(long frames, TimeSpan elapsed, double fps)
    {
        lock (_lock)
        {
            _framesProcessed += frames;
            _processingSeconds += elapsed.TotalSeconds;
            _lastFps = fps;
        }
    }

    public string Render(IReadOnlyDictionary<string, long> jobsByState, int running)
    {
        var sb = new StringBuilder();
        void Line(string s) => sb.Append(s).Append('\n');
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

        Line("# HELP upres_jobs Jobs by state.");
        Line("# TYPE upres_jobs gauge");
        foreach (var (state, count) in jobsByState)
        {
            Line($"upres_jobs{{state=\"{state}\"}} {count.ToString(CultureInfo.InvariantCulture)}");
        }

        Line("# HELP upres_jobs_running Jobs running in this process.");
        Line("# TYPE upres_jobs_running gauge");
        Line($"upres_jobs_running {running.ToString(CultureInfo.InvariantCulture)}");
        Line("# HELP upres_jobs_created_total Jobs accepted by this process.");
        Line("# TYPE upres_jobs_created_total counter");
        Line($"upres_jobs_created_total {Interlocked.Read(ref _created).ToString(CultureInfo.InvariantCulture)}");
        lock (_lock)
        {
            Line("# HELP upres_queue_wait_seconds Time from accepted to started.");
            Line("# TYPE upres_queue_wait_seconds histogram");
            for (var i = 0; i < WaitBuckets.Length; i++)
            {
                Line($"upres_queue_wait_seconds_bucket{{le=\"{F(WaitBuckets[i])}\"}} {_waitCounts[i].ToString(CultureInfo.InvariantCulture)}");
            }

            Line($"upres_queue_wait_seconds_bucket{{le=\"+Inf\"}} {_waitCount.ToString(CultureInfo.InvariantCulture)}");
            Line($"upres_queue_wait_seconds_sum {F(_waitSum)}");
            Line($"upres_queue_wait_seconds_count {_waitCount.ToString(CultureInfo.InvariantCulture)}");
            Line("# HELP upres_processing_fps Frames per second of the last finished job.");
            Line("# TYPE upres_processing_fps gauge");
            Line($"upres_processing_fps {F(_lastFps)}");
            Line("# HELP upres_frames_processed_total Frames produced by finished jobs.");
            Line("# TYPE upres_frames_processed_total counter");
            Line($"upres_frames_processed_total {_framesProcessed.ToString(CultureInfo.InvariantCulture)}");
            Line("# HELP upres_processing_seconds_total Time spent in finished jobs.");
            Line("# TYPE upres_processing_seconds_total counter");
            Line($"upres_processing_seconds_total {F(_processingSeconds)}");
        }

        Line("# HELP upres_webhook_deliveries_total Webhook messages delivered.");
        Line("# TYPE upres_webhook_deliveries_total counter");
        Line($"upres_webhook_deliveries_total {Interlocked.Read(ref _webhookDelivered).ToString(CultureInfo.InvariantCulture)}");
        Line("# HELP upres_webhook_failures_total Failed webhook delivery attempts.");
        Line("# TYPE upres_webhook_failures_total counter");
        Line($"upres_webhook_failures_total {Interlocked.Read(ref _webhookFailures).ToString(CultureInfo.InvariantCulture)}");
        return sb.ToString();
    }
}
