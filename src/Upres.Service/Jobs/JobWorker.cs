using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Upres.Engine.Pipeline;
using Upres.Service.Hosting;
using Upres.Service.Metrics;
using Upres.Service.Storage;

namespace Upres.Service.Jobs;

/// Runs queued jobs, UPRES_WORKERS at a time. Each job runs under a lease that a heartbeat extends;
/// a worker that dies (kill -9) stops extending it, and any worker takes the job over once it has
/// expired. A job whose worker died MaxAttempts times fails with its credits released.
public sealed partial class JobWorker(
    IJobStore store,
    IVideoUpscaler upscaler,
    RunningJobs running,
    JobQueueSignal signal,
    UpresMetrics metrics,
    IOptions<UpresOptions> options,
    TimeProvider clock,
    ILogger<JobWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var n = options.Value.WorkerConcurrency;
        return Task.WhenAll(Enumerable.Range(0, n).Select(_ => Task.Run(() => LoopAsync(stoppingToken), stoppingToken)));
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await store.ClaimNextAsync(options.Value.Lease, stoppingToken);
                if (claimed is null)
                {
                    await signal.WaitAsync(poll, stoppingToken);
                    continue;
                }

                await RunAsync(claimed.Value.Job, claimed.Value.LeaseToken, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogLoopError(e);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task RunAsync(JobRecord job, string lease, CancellationToken stoppingToken)
    {
        if (job.CancelRequested)
        {
            await store.FinishCancelledAsync(job.Id, lease, CancellationToken.None);
            return;
        }

        if (job.Attempts == 1)
        {
            metrics.QueueWait(clock.GetUtcNow() - job.CreatedAt);
        }

        LogStarting(job.Id, job.Attempts);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var progress = new LatestProgress();
        var leaseLost = false;
        running.Add(job.Id, cts);
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(job, lease, progress, cts, () => leaseLost = true, heartbeatStop.Token);
        var resultDir = Path.Combine(options.Value.ResultsDirectory, job.Id);
        OwnerOnly.CreateDirectory(options.Value.ResultsDirectory);
        OwnerOnly.CreateDirectory(resultDir);
        var partial = Path.Combine(resultDir, $"attempt-{job.Attempts}{job.Spec.FileExtension}");
        var final = Path.Combine(resultDir, $"result{job.Spec.FileExtension}");
        var started = clock.GetTimestamp();
        try
        {
            var request = job.Spec.ToUpscaleRequest(job.InputPath, partial, job.Plan);
            var result = await upscaler.UpscaleAsync(request, progress, cts.Token);
            File.Move(result.OutputPath, final, overwrite: true);
            OwnerOnly.Restrict(final);
            var size = new FileInfo(final).Length;
            await heartbeatStop.CancelAsync();
            await heartbeat;
            var elapsed = clock.GetElapsedTime(started);
            metrics.Processed(result.Frames, elapsed, elapsed.TotalSeconds > 0 ? result.Frames / elapsed.TotalSeconds : 0);
            await store.CompleteAsync(job.Id, lease,
                new JobResult(final, result.Width, result.Height, result.FrameRate, result.Duration, result.Frames, size), CancellationToken.None);
            LogFinished(job.Id, "completed");
        }
        catch (Exception e) when (e is OperationCanceledException || cts.IsCancellationRequested)
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
            if (stoppingToken.IsCancellationRequested)
            {
                // A graceful stop is not the job's fault: give it back without spending an attempt.
                await store.RequeueAsync(job.Id, lease, refundAttempt: true, CancellationToken.None);
            }
            else if (!leaseLost && (await store.GetAsync(job.Id, CancellationToken.None))?.CancelRequested == true)
            {
                await store.FinishCancelledAsync(job.Id, lease, CancellationToken.None);
                LogFinished(job.Id, "cancelled");
            }
            else if (!leaseLost)
            {
                var error = TenantError.For((e as UpscaleException)?.Code ?? "cancelled");
                LogFailed(job.Id, error.Code, error.Reference, e.Message);
                await store.FailAsync(job.Id, lease, error.Code, error.Message, CancellationToken.None);
            }
        }
        catch (UpscaleException e)
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
            var error = TenantError.For(e.Code);
            LogFailed(job.Id, error.Code, error.Reference, e.Message);
            await store.FailAsync(job.Id, lease, error.Code, error.Message, CancellationToken.None);
        }
        catch (Exception e)
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
            var error = TenantError.For("processing_error");
            LogFailedWithException(job.Id, error.Code, error.Reference, e);
            if (job.Attempts < job.MaxAttempts)
            {
                await store.RequeueAsync(job.Id, lease, refundAttempt: false, CancellationToken.None);
            }
            else
            {
                await store.FailAsync(job.Id, lease, error.Code, error.Message, CancellationToken.None);
            }
        }
        finally
        {
            running.Remove(job.Id);
            TryDelete(partial);
        }
    }

    private async Task HeartbeatAsync(JobRecord job, string lease, LatestProgress progress, CancellationTokenSource jobCts, Action onLost, CancellationToken stop)
    {
        var interval = TimeSpan.FromMilliseconds(Math.Clamp(options.Value.Lease.TotalMilliseconds / 3, 200, 1000));
        var nextProgressEvent = 0.25;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, clock, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var p = progress.Latest;
                var update = p is null ? null : new JobProgressUpdate(p.Fraction, p.FramesDone, p.FramesTotal, p.FramesPerSecond, p.Eta?.TotalSeconds);
                var state = await store.HeartbeatAsync(job.Id, lease, options.Value.Lease, update, CancellationToken.None);
                if (state == LeaseState.Lost)
                {
                    onLost();
                    await jobCts.CancelAsync();
                    return;
                }

                if (state == LeaseState.CancelRequested)
                {
                    await jobCts.CancelAsync();
                }

                if (job.WebhookProgress && update is not null && update.Progress >= nextProgressEvent && update.Progress < 1)
                {
                    nextProgressEvent = Math.Floor(update.Progress * 4 + 1) / 4;
                    await store.EnqueueProgressEventAsync(job.Id, CancellationToken.None);
                }
            }
            catch (Exception e)
            {
                // A missed heartbeat is survivable (the lease is three beats long); keep beating.
                LogLoopError(e);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "worker loop error")]
    private partial void LogLoopError(Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "job {JobId} starting, attempt {Attempt}")]
    private partial void LogStarting(string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "job {JobId} {Status}")]
    private partial void LogFinished(string jobId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "job {JobId} failed: {Code} (reference {Reference}): {Detail}")]
    private partial void LogFailed(string jobId, string code, string reference, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "job {JobId} failed: {Code} (reference {Reference})")]
    private partial void LogFailedWithException(string jobId, string code, string reference, Exception exception);
}
