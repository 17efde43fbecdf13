using Microsoft.Extensions.Logging;
using Upres.Engine.Pipeline;
using Upres.Service.Jobs;
using Upres.Service.Storage;
using Upres.Service.Work;

namespace Upres.Service.Segments;

/// A segment of a split job as a unit of work: any worker claims it, upscales its frame range to
/// a file of its own (the engine starts it on a keyframe), stages it on the shared root and
/// completes it under its lease. A segment never charges: the join ends the job once.
public sealed partial class SegmentKind(
    SqlSegmentStore segments,
    IJobStore jobs,
    IVideoUpscaler upscaler,
    StorageRoot storage,
    JobQueueSignal signal,
    ILogger<SegmentKind> logger) : IWorkKind
{
    public string Name => SqlSegmentStore.Kind;

    /// Before whole jobs (100): a started job's segments go first.
    public int Priority => 50;

    public async Task<IClaimedWork?> TryClaimAsync(WorkerIdentity worker, TimeSpan lease, CancellationToken cancellationToken)
        => await segments.ClaimNextAsync(worker, lease, cancellationToken) is { } claimed
            ? new ClaimedSegment(this, segments, claimed.Segment, claimed.Claim)
            : null;

    private async Task RunAsync(SegmentRecord segment, WorkLease lease)
    {
        var job = await jobs.GetAsync(segment.JobId, CancellationToken.None);
        if (job is null || !SqlSegmentStore.IsSplit(job) || job.CancelRequested)
        {
            await lease.CommitAsync((token, ct) => segments.AbandonAsync(segment.Id, token, SegmentStatus.Cancelled, ct));
            return;
        }

        if (segment.Strikes >= job.MaxAttempts || segment.Attempts > job.MaxAttempts * WorkPlaces.HardCapFactor)
        {
            var message = segment.Strikes >= job.MaxAttempts
                ? $"The worker of segment {segment.Index} (frames {segment.Range.First}..{segment.Range.End - 1}) died {segment.Strikes + 1} times at the same place without getting further; the job was given up."
                : $"The worker of segment {segment.Index} (frames {segment.Range.First}..{segment.Range.End - 1}) stopped {segment.Attempts - 1} times; the job was given up.";
            LogFailed(segment.Id, JobFailed.AttemptsExhausted, "-", message);
            await EndJobAsync(job, segment, lease, new JobFailed(JobFailed.AttemptsExhausted, message));
            return;
        }

        LogStarting(segment.Id, segment.Attempts);
        var scratch = storage.ScratchPath($"{segment.Id}-{lease.Claim.Token}.mkv");
        try
        {
            var timeline = FrameTimeline.FromJson(await File.ReadAllTextAsync(storage.PathOf(SegmentKeys.Timeline(job.Id)), lease.Token));
            var request = job.Spec.ToUpscaleRequest(storage.PathOf(job.InputKey), storage.ScratchPath($"{segment.Id}-joined{job.Spec.FileExtension}"), job.Probe, job.Planned);
            lease.CountPlacesIn(segment.Range.Count);
            await upscaler.UpscaleSegmentAsync(request, timeline, segment.Range, scratch, lease, lease.Token);
            await CommitAsync(job, segment, lease, scratch);
        }
        catch (Exception e) when (e is OperationCanceledException || lease.Token.IsCancellationRequested)
        {
            if (lease.Lost)
            {
                LogFinished(segment.Id, "abandoned: lease lost");
            }
            else if (lease.Stopping)
            {
                await lease.ReleaseAsync(countStrike: false);
                LogFinished(segment.Id, "released: worker stopping");
            }
            else
            {
                // The job was cancelled (its cancel ends a split job at once) or ended by another segment.
                await lease.CommitAsync((token, ct) => segments.AbandonAsync(segment.Id, token, SegmentStatus.Cancelled, ct));
                LogFinished(segment.Id, "cancelled");
            }
        }
        catch (Exception e) when (DiskFull.Is(e) && !lease.Token.IsCancellationRequested)
        {
            // The encode filled this worker's scratch or the staging filled the shared root: another
            // try (here or on another worker) meets the same wall, so the job fails now, as a whole run would.
            await FailJobAsync(job, segment, lease, UpscaleErrorCodes.StorageFull, e.Message);
        }
        catch (UpscaleException e)
        {
            // The same input fails the same way on any worker: the job fails, as a whole run would.
            await FailJobAsync(job, segment, lease, e.Code, e.Message);
        }
        catch (Exception e)
        {
            if (segment.Strikes + 1 < job.MaxAttempts)
            {
                LogFailed(segment.Id, JobFailed.ProcessingError, "-", e.Message);
                await lease.ReleaseAsync(countStrike: true);
            }
            else
            {
                await FailJobAsync(job, segment, lease, JobFailed.ProcessingError, e.Message);
            }
        }
        finally
        {
            TryDelete(scratch);
        }
    }

    private async Task CommitAsync(JobRecord job, SegmentRecord segment, WorkLease lease, string scratch)
    {
        var staged = await storage.StageAsync(scratch, job.Id, CancellationToken.None);
        var key = SegmentKeys.Segment(job.Id, segment.Index);
        var placed = false;
        var outcome = (Committed: false, JobReady: false);
        try
        {
            await lease.CommitAsync(async (token, ct) =>
            {
                outcome = await segments.CompleteAsync(segment.Id, token, key, () =>
                {
                    storage.Place(staged, key);
                    placed = true;
                }, ct);
                return outcome.Committed;
            });
        }
        finally
        {
            if (!outcome.Committed)
            {
                storage.Discard(staged);
                if (placed)
                {
                    storage.DeleteFile(key);
                }
            }
        }

        LogFinished(segment.Id, outcome.Committed ? outcome.JobReady ? "done, the job is ready to join" : "done" : "not committed");
        if (outcome.JobReady)
        {
            signal.Notify();
        }
    }

    /// Fails the job with the code and its tenant sentence (TenantError); the detail (paths, ffmpeg's
    /// stderr) stays in the log under the sentence's reference.
    private Task FailJobAsync(JobRecord job, SegmentRecord segment, WorkLease lease, string code, string detail)
    {
        var error = TenantError.For(code);
        LogFailed(segment.Id, code, error.Reference, detail);
        return EndJobAsync(job, segment, lease, new JobFailed(code, error.Message));
    }

    /// Ends the job (credits released, one webhook) under the split's token, then this segment. Only
    /// the segment that ends the job removes its files; the other segments see the job over at their
    /// next heartbeat and stop.
    private async Task EndJobAsync(JobRecord job, SegmentRecord segment, WorkLease lease, JobFailed failed)
    {
        if (job.LeaseToken is { } splitToken && await jobs.EndAsync(job.Id, splitToken, failed, null, CancellationToken.None))
        {
            storage.DeleteFolder(StorageRoot.ResultFolderKey(job.Id));
        }

        await lease.CommitAsync((token, ct) => segments.AbandonAsync(segment.Id, token, SegmentStatus.Failed, ct));
    }

    private sealed class ClaimedSegment(SegmentKind kind, SqlSegmentStore store, SegmentRecord segment, WorkClaim claim) : IClaimedWork
    {
        public WorkClaim Claim => claim;

        public Task<LeaseState> RenewAsync(TimeSpan lease, UpscaleProgress? progress, CancellationToken cancellationToken)
            => store.RenewAsync(segment.Id, claim.Token, lease, progress, cancellationToken);

        public Task<bool> MarkPlaceAsync(long place, long reached, CancellationToken cancellationToken)
            => store.MarkPlaceAsync(segment.Id, claim.Token, place, reached, cancellationToken);

        public Task<bool> ReleaseAsync(bool countStrike, CancellationToken cancellationToken)
            => store.ReleaseAsync(segment.Id, claim.Token, countStrike, cancellationToken);

        public Task RunAsync(WorkLease lease) => kind.RunAsync(segment, lease);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "segment {SegmentId} starting, attempt {Attempt}")]
    private partial void LogStarting(string segmentId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "segment {SegmentId} {Status}")]
    private partial void LogFinished(string segmentId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "segment {SegmentId} failed: {Code} (reference {Reference}): {Detail}")]
    private partial void LogFailed(string segmentId, string code, string reference, string detail);
}
