using Microsoft.Extensions.Logging;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Microsoft.Extensions.Options;
using Upres.Service.Billing;
using Upres.Service.Hosting;
using Upres.Service.Metrics;
using Upres.Service.Segments;
using Upres.Service.Problems;
using Upres.Service.Security;
using Upres.Service.Storage;
using Upres.Service.Work;

namespace Upres.Service.Jobs;

/// A whole job as one unit of work: the engine writes the output to this node's scratch folder,
/// the file is staged on the shared root (fsynced), and only the fenced commit places it under
/// its key and charges, in one transaction.
public sealed partial class JobKind(
    IJobStore store,
    SqlSegmentStore segments,
    SegmentPlanner segmentPlanner,
    JobQueueSignal signal,
    IVideoUpscaler upscaler,
    StorageRoot storage,
    UrlFetcher fetcher,
    MediaGuard mediaGuard,
    PriceTable prices,
    IntakeRules intake,
    IOptions<UpresOptions> options,
    UpresMetrics metrics,
    TimeProvider clock,
    ILogger<JobKind> logger) : IWorkKind
{
    public const string Name = "job";

    string IWorkKind.Name => Name;

    public int Priority => 100;

    public async Task<IClaimedWork?> TryClaimAsync(WorkerIdentity worker, TimeSpan lease, CancellationToken cancellationToken)
        => await store.ClaimNextAsync(worker, lease, cancellationToken) is { } claimed ? new ClaimedJob(this, store, claimed.Job, claimed.Claim) : null;

    private async Task RunAsync(JobRecord job, WorkLease lease)
    {
        if (job.CancelRequested)
        {
            await lease.CommitAsync((token, ct) => store.EndAsync(job.Id, token, new JobCancelled(), null, ct));
            return;
        }

        if (job.Attempts == 1)
        {
            metrics.QueueWait(clock.GetUtcNow() - job.CreatedAt);
        }

        LogStarting(job.Id, job.Attempts);
        var scratch = storage.ScratchPath($"{job.Id}-{lease.Claim.Token}{job.Spec.FileExtension}");
        var started = clock.GetTimestamp();
        try
        {
            if (job.Plan is null)
            {
                if (await PrepareAsync(job, lease) is not { } prepared)
                {
                    return;
                }

                job = prepared;
            }

            await intake.For(job.Dialect).BeforeRunAsync(job, lease.Token);
            var request = job.Spec.ToUpscaleRequest(storage.PathOf(job.InputKey), scratch, job.Probe, job.Planned);
            if (await segments.ListAsync(job.Id, lease.Token) is { Count: > 0 } parts)
            {
                await JoinAsync(job, lease, request, parts);
                return;
            }

            if (await SplitAsync(job, lease, request))
            {
                return;
            }

            lease.CountPlacesIn(job.Planned.Frames);
            var result = await upscaler.UpscaleAsync(request, lease, lease.Token);
            var elapsed = clock.GetElapsedTime(started);
            metrics.Processed(result.Frames, elapsed, elapsed.TotalSeconds > 0 ? result.Frames / elapsed.TotalSeconds : 0);
            await CommitResultAsync(job, lease, result);
        }
        catch (Exception e) when (e is OperationCanceledException || lease.Token.IsCancellationRequested)
        {
            if (lease.Lost)
            {
                LogFinished(job.Id, "abandoned: lease lost");
            }
            else if (lease.Stopping)
            {
                // A graceful stop is not the job's fault: give it back without spending an attempt.
                await lease.ReleaseAsync(countStrike: false);
                LogFinished(job.Id, "released: worker stopping");
            }
            else if (lease.CancelRequested || (await store.GetAsync(job.Id, CancellationToken.None))?.CancelRequested == true)
            {
                await lease.CommitAsync((token, ct) => store.EndAsync(job.Id, token, new JobCancelled(), null, ct));
                LogFinished(job.Id, "cancelled");
            }
            else
            {
                var error = TenantError.For((e as UpscaleException)?.Code ?? JobCancelled.Code);
                LogFailed(job.Id, error.Code, error.Reference, e.Message);
                await lease.CommitAsync((token, ct) => store.EndAsync(job.Id, token, new JobFailed(error.Code, error.Message), null, ct));
            }
        }
        catch (Exception e) when (DiskFull.Is(e) && !lease.Token.IsCancellationRequested)
        {
            // Retrying into a full disk fails the same way: end now, credits released, nothing placed.
            var error = TenantError.For(UpscaleErrorCodes.StorageFull);
            LogFailed(job.Id, error.Code, error.Reference, e.Message);
            await FailAsync(job, lease, new JobFailed(error.Code, error.Message));
        }
        catch (ServiceException e)
        {
            // A refusal the door's rules made in the worker (a source video deleted meanwhile).
            await EndPreparedAsync(job, lease, new JobFailed(e.Error.Code, e.Error.Detail ?? e.Error.Title));
        }
        catch (UpscaleException e)
        {
            // The tenant gets the code and one sentence; the detail (paths, ffmpeg's stderr) stays in the log.
            var error = TenantError.For(e.Code);
            LogFailed(job.Id, error.Code, error.Reference, e.Message);
            await FailAsync(job, lease, new JobFailed(error.Code, error.Message));
        }
        catch (Exception e)
        {
            var error = TenantError.For(JobFailed.ProcessingError);
            LogFailedWithException(job.Id, error.Code, error.Reference, e);
            if (job.Strikes + 1 < job.MaxAttempts)
            {
                await lease.ReleaseAsync(countStrike: true);
            }
            else
            {
                await FailAsync(job, lease, new JobFailed(error.Code, error.Message));
            }
        }
        finally
        {
            TryDelete(scratch);
        }
    }

    /// A long job with other workers alive is cut into frame ranges on the engine's timeline; the
    /// fenced commit stores the segments and hands the job to them (see SqlSegmentStore). False: the
    /// job runs whole here.
    private async Task<bool> SplitAsync(JobRecord job, WorkLease lease, UpscaleRequest request)
    {
        var wanted = await segmentPlanner.SegmentsForAsync(job, lease.Token);
        if (wanted < 2)
        {
            return false;
        }

        var timeline = await upscaler.ReadTimelineAsync(request, lease.Token);
        var ranges = timeline.Split(wanted);
        if (ranges.Count < 2)
        {
            return false;
        }

        var file = storage.ScratchPath($"{job.Id}-{lease.Claim.Token}-timeline.json");
        try
        {
            await File.WriteAllTextAsync(file, timeline.ToJson(), lease.Token);
            var staged = await storage.StageAsync(file, job.Id, CancellationToken.None);
            var key = SegmentKeys.Timeline(job.Id);
            var committed = await lease.CommitAsync((token, ct) =>
                segments.SplitAsync(job.Id, token, ranges, timeline.Count, () => storage.Place(staged, key), ct));
            if (!committed)
            {
                storage.Discard(staged);
            }

            LogSplit(job.Id, ranges.Count, timeline.Count, committed);
            signal.Notify();
            return true;
        }
        finally
        {
            TryDelete(file);
        }
    }

    /// Every segment is done: concatenate them (no re-encode), mux the source's other streams and end
    /// the job as a whole run would (one charge, one webhook), then remove the segments.
    private async Task JoinAsync(JobRecord job, WorkLease lease, UpscaleRequest request, IReadOnlyList<SegmentRecord> parts)
    {
        if (parts.Any(p => p.Status != SegmentStatus.Done || p.ResultKey is null))
        {
            throw new InvalidOperationException($"job {job.Id} was queued for its join before all {parts.Count} segments were done");
        }

        var timeline = FrameTimeline.FromJson(await File.ReadAllTextAsync(storage.PathOf(SegmentKeys.Timeline(job.Id)), lease.Token));
        var result = await upscaler.JoinSegmentsAsync(request, timeline,
            [.. parts.Select(p => new VideoSegment(storage.PathOf(p.ResultKey!), p.Range))], lease.Token);
        await CommitResultAsync(job, lease, result);
        if ((await store.GetAsync(job.Id, CancellationToken.None))?.Status == JobStatus.Completed)
        {
            storage.DeleteFolder(SegmentKeys.Folder(job.Id));
        }
    }

    /// The prepare stage of a job whose input is a URL: fetch it to scratch (UrlFetcher's SSRF rules
    /// and the door's size limit), probe, apply the door's checks, plan and price; then
    /// one fenced transaction stores the plan and price, reserves the credits and places the input
    /// under its key. Null when the job ended here (a refusal, a short balance, an estimate done, a
    /// lost lease). A refusal fails the job with its code; nothing was reserved, so nothing moves.
    private async Task<JobRecord?> PrepareAsync(JobRecord job, WorkLease lease)
    {
        var rules = intake.For(job.Dialect);
        var input = storage.ScratchPath($"{job.Id}-{lease.Claim.Token}-input");
        StagedFile? staged = null;
        try
        {
            MediaInfo probe;
            PlannedOutput plan;
            long price;
            try
            {
                var size = await fetcher.DownloadAsync(job.Input.Url!, input, lease.Token, rules.MaxInputBytes);
                probe = await mediaGuard.InspectAsync(input, lease.Token);
                if (rules.Check(job, size, probe) is { } refused)
                {
                    await EndPreparedAsync(job, lease, refused);
                    return null;
                }

                plan = JobPlanning.Plan(job.Spec, probe);
                price = prices.Quote(rules.PriceQueryFor(job.Spec, job.DialectData, plan)).Credits;
            }
            catch (ServiceException e)
            {
                await EndPreparedAsync(job, lease, new JobFailed(e.Error.Code, e.Error.Detail ?? e.Error.Title));
                return null;
            }

            var estimate = JobService.EstimateSeconds(plan, options.Value);
            if (job.EstimateOnly)
            {
                await lease.CommitAsync(async (token, ct) =>
                    await store.SavePreparedAsync(job.Id, token, probe, plan, price, estimate, () => { }, ct) == PrepareOutcome.Prepared
                    && await store.EndAsync(job.Id, token, new JobEstimated(), null, ct));
                LogFinished(job.Id, "estimated");
                return null;
            }

            staged = await storage.StageAsync(input, job.Id, CancellationToken.None);
            var outcome = await lease.WriteAsync((token, ct) => store.SavePreparedAsync(job.Id, token, probe, plan, price, estimate, () =>
            {
                storage.Place(staged, job.InputKey);
                staged = null;
            }, ct));
            if (outcome != PrepareOutcome.Prepared)
            {
                LogFinished(job.Id, outcome == PrepareOutcome.Lost ? "not prepared: lease lost" : "failed: insufficient credits");
                return null;
            }

            LogPrepared(job.Id, price);
            return job with { Probe = probe, Plan = plan, Price = price, EstimateSeconds = estimate, FramesTotal = plan.Frames };
        }
        finally
        {
            if (staged is not null)
            {
                storage.Discard(staged);
            }

            TryDelete(input);
        }
    }

    /// Ends the job failed; a split job's segments (under its result folder) go with it.
    private async Task FailAsync(JobRecord job, WorkLease lease, JobFailed failed)
    {
        if (await lease.CommitAsync((token, ct) => store.EndAsync(job.Id, token, failed, null, ct)))
        {
            storage.DeleteFolder(StorageRoot.ResultFolderKey(job.Id));
        }
    }

    private async Task EndPreparedAsync(JobRecord job, WorkLease lease, JobFailed failed)
    {
        LogRefused(job.Id, failed.Code, failed.Message);
        await lease.CommitAsync((token, ct) => store.EndAsync(job.Id, token, failed, null, ct));
    }

    /// Stage (copy + fsync on the shared root), then the fenced commit places the file under its key
    /// and charges in one transaction. A worker whose lease is gone stops before placing anything and
    /// removes what it staged; if the commit itself fails after the place, the placed file goes too.
    private async Task CommitResultAsync(JobRecord job, WorkLease lease, UpscaleResult result)
    {
        var staged = await storage.StageAsync(result.OutputPath, job.Id, CancellationToken.None);
        var key = StorageRoot.ResultKey(job.Id, job.Spec.FileExtension);
        var placed = false;
        var committed = false;
        try
        {
            var end = new JobCompleted(new JobResult(key, result.Width, result.Height, result.FrameRate, result.Duration, result.Frames, staged.SizeBytes));
            committed = await lease.CommitAsync((token, ct) => store.EndAsync(job.Id, token, end, _ =>
            {
                storage.Place(staged, key);
                placed = true;
            }, ct));
            LogFinished(job.Id, committed ? "completed" : "not committed: lease lost");
        }
        finally
        {
            if (!committed)
            {
                storage.Discard(staged);
                if (placed && (await store.GetAsync(job.Id, CancellationToken.None))?.Status != JobStatus.Completed)
                {
                    storage.DeleteFolder(StorageRoot.ResultFolderKey(job.Id));
                }
            }
        }
    }

    /// A claimed job: its lease renewals (progress, checkpoint, the 25/50/75 % webhook events) and its run.
    private sealed class ClaimedJob(JobKind kind, IJobStore store, JobRecord job, WorkClaim claim) : IClaimedWork
    {
        private double _nextProgressEvent = 0.25;

        public WorkClaim Claim => claim;

        public async Task<LeaseState> RenewAsync(TimeSpan lease, UpscaleProgress? progress, CancellationToken cancellationToken)
        {
            var p = progress;
            var update = p is null ? null : new JobProgressUpdate(p.Fraction, p.FramesDone, p.FramesTotal, p.FramesPerSecond, p.Eta?.TotalSeconds);
            var state = await store.HeartbeatAsync(job.Id, claim.Token, lease, update, cancellationToken);
            if (state != LeaseState.Lost && job.WebhookProgress && update is not null && update.Progress >= _nextProgressEvent && update.Progress < 1)
            {
                _nextProgressEvent = Math.Floor(update.Progress * 4 + 1) / 4;
                await store.EnqueueProgressEventAsync(job.Id, cancellationToken);
            }

            return state;
        }

        public Task<bool> MarkPlaceAsync(long place, long reached, CancellationToken cancellationToken)
            => store.MarkPlaceAsync(job.Id, claim.Token, place, reached, cancellationToken);

        public Task<bool> ReleaseAsync(bool countStrike, CancellationToken cancellationToken)
            => store.ReleaseAsync(job.Id, claim.Token, countStrike, cancellationToken);

        public Task RunAsync(WorkLease lease) => kind.RunAsync(job, lease);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "job {JobId} split into {Segments} segments of {Frames} frames (committed: {Committed})")]
    private partial void LogSplit(string jobId, int segments, int frames, bool committed);

    [LoggerMessage(Level = LogLevel.Information, Message = "job {JobId} prepared: {Price} credits reserved")]
    private partial void LogPrepared(string jobId, long price);

    [LoggerMessage(Level = LogLevel.Information, Message = "job {JobId} refused in its prepare stage: {Code}: {Message}")]
    private partial void LogRefused(string jobId, string code, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "job {JobId} starting, attempt {Attempt}")]
    private partial void LogStarting(string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "job {JobId} {Status}")]
    private partial void LogFinished(string jobId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "job {JobId} failed: {Code} (reference {Reference}): {Detail}")]
    private partial void LogFailed(string jobId, string code, string reference, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "job {JobId} failed: {Code} (reference {Reference})")]
    private partial void LogFailedWithException(string jobId, string code, string reference, Exception exception);
}
