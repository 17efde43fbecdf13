using System.Data.Common;
using System.Globalization;
using Dapper;
using Upres.Engine.Pipeline;
using Upres.Service.Data;
using Upres.Service.Jobs;
using Upres.Service.Work;

namespace Upres.Service.Segments;

/// The segments table. A split job stays `processing` with its lease token kept as the split's
/// token and no expiry, so the job queue never takes it while its segments run; each segment is
/// claimed on its own (FOR UPDATE SKIP LOCKED on PostgreSQL) under a lease fenced by its own token.
/// The transaction that completes the last segment puts the job back in the queue, where the next
/// claim of the job joins the segments and ends it (one charge, one notification).
public sealed class SqlSegmentStore(IUpresDatabase db, IJobStore jobs, TimeProvider clock)
{
    public const string Kind = "segment";

    /// Turns the job its holder is running into segments, fenced by the holder's token. placeFiles
    /// (the timeline on the storage root) runs inside the transaction once the fence held.
    public async Task<bool> SplitAsync(string jobId, string jobToken, IReadOnlyList<FrameRange> ranges, long frames,
        Action placeFiles, CancellationToken cancellationToken)
    {
        var now = clock.Ms();
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginWriteAsync(c, cancellationToken);
        var updated = await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE jobs SET lease_expires_at = NULL, worker_id = NULL, frames_total = @frames, frames_done = 0, progress = 0, fps = 0,
                eta_seconds = NULL, updated_at = @now
            WHERE id = @jobId AND lease_token = @jobToken AND status = 'processing' AND cancel_requested = 0 AND deleted_at IS NULL
            """,
            new { jobId, jobToken, frames, now }, tx, cancellationToken: cancellationToken));
        if (updated != 1)
        {
            await tx.RollbackAsync(cancellationToken);
            return false;
        }

        await c.ExecuteAsync(new CommandDefinition("DELETE FROM segments WHERE job_id = @jobId", new { jobId }, tx, cancellationToken: cancellationToken));
        for (var i = 0; i < ranges.Count; i++)
        {
            await c.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO segments (id, job_id, idx, first_frame, frame_count, status, created_at, updated_at)
                VALUES (@id, @jobId, @i, @First, @Count, 'queued', @now, @now)
                """,
                new { id = SegmentId(jobId, i), jobId, i = (long)i, First = (long)ranges[i].First, Count = (long)ranges[i].Count, now },
                tx, cancellationToken: cancellationToken));
        }

        placeFiles();
        await tx.CommitAsync(cancellationToken);
        return true;
    }

    /// Takes the first queued segment of a running split job, or one whose holder's lease expired
    /// (judging that dead attempt as SqlJobStore does a job's: WorkPlaces).
    public async Task<(SegmentRecord Segment, WorkClaim Claim)?> ClaimNextAsync(WorkerIdentity worker, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.Ms();
        var token = Ids.New("lease");
        var skipLocked = db.Provider == DatabaseProvider.Postgres ? "FOR UPDATE SKIP LOCKED" : "";
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"""
            UPDATE segments SET
                strikes = {WorkPlaces.StrikesAfterTakeover},
                status = 'processing', lease_token = @token, lease_expires_at = @until, attempts = attempts + 1, worker_id = @workerId,
                attempt_checkpoint = checkpoint, place = 0, frames_done = 0, fps = 0, updated_at = @now
            WHERE id = (
                SELECT id FROM segments
                WHERE (status = 'queued' OR (status = 'processing' AND lease_expires_at < @now))
                    AND job_id IN (SELECT id FROM jobs WHERE status = 'processing' AND lease_expires_at IS NULL AND lease_token IS NOT NULL
                                   AND cancel_requested = 0 AND deleted_at IS NULL)
                ORDER BY id LIMIT 1 {skipLocked})
            RETURNING *
            """,
            new { token, now, until = now + (long)lease.TotalMilliseconds, workerId = worker.Id }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var segment = row.ToRecord();
        return (segment, new WorkClaim(Kind, segment.Id, segment.JobId, token, segment.Attempts));
    }

    /// Renews the segment's lease with its progress, then folds every segment's progress into the
    /// job's (frames, fps, ETA, the 25/50/75 % webhook events, each sent once whoever crosses it).
    public async Task<LeaseState> RenewAsync(string segmentId, string token, TimeSpan lease, UpscaleProgress? progress, CancellationToken cancellationToken)
    {
        var now = clock.Ms();
        await using var c = await db.OpenAsync(cancellationToken);
        var jobId = await c.ExecuteScalarAsync<string?>(new CommandDefinition(
            """
            UPDATE segments SET lease_expires_at = @until, frames_done = @done, fps = @fps, updated_at = @now
            WHERE id = @segmentId AND lease_token = @token AND status = 'processing'
            RETURNING job_id
            """,
            new { segmentId, token, now, until = now + (long)lease.TotalMilliseconds, done = progress?.FramesDone ?? 0, fps = progress?.FramesPerSecond ?? 0 },
            cancellationToken: cancellationToken));
        if (jobId is null)
        {
            return LeaseState.Lost;
        }

        var parts = (await c.QueryAsync<(string Status, long FrameCount, long FramesDone, double Fps, long? LeaseExpiresAt)>(new CommandDefinition(
            "SELECT status, frame_count, frames_done, fps, lease_expires_at FROM segments WHERE job_id = @jobId",
            new { jobId }, cancellationToken: cancellationToken))).ToList();
        var total = parts.Sum(p => p.FrameCount);
        var done = parts.Sum(p => p.Status == "done" ? p.FrameCount : Math.Min(p.FramesDone, p.FrameCount));
        var fps = parts.Where(p => p.Status == "processing" && p.LeaseExpiresAt >= now).Sum(p => p.Fps);
        var fraction = total > 0 ? Math.Clamp((double)done / total, 0, 1) : 0;
        var job = await c.QuerySingleOrDefaultAsync<JobState>(new CommandDefinition(
            """
            UPDATE jobs SET frames_done = @done, frames_total = @total, progress = @fraction, fps = @fps, eta_seconds = @eta, updated_at = @now
            WHERE id = @jobId AND status = 'processing' AND lease_expires_at IS NULL AND lease_token IS NOT NULL
            RETURNING cancel_requested, webhook_progress, progress_marks
            """,
            new { jobId, done, total, fraction, fps, eta = fps > 0 ? (total - done) / fps : (double?)null, now }, cancellationToken: cancellationToken));
        if (job is null || job.CancelRequested == 1)
        {
            // Cancelled, failed or deleted while this segment ran: stop.
            return LeaseState.CancelRequested;
        }

        var quarter = Math.Min(3, (long)Math.Floor(fraction * 4));
        if (job.WebhookProgress == 1 && quarter > job.ProgressMarks && await c.ExecuteAsync(new CommandDefinition(
                "UPDATE jobs SET progress_marks = @quarter WHERE id = @jobId AND progress_marks < @quarter",
                new { jobId, quarter }, cancellationToken: cancellationToken)) == 1)
        {
            await jobs.EnqueueProgressEventAsync(jobId, cancellationToken);
        }

        return LeaseState.Held;
    }

    /// Marks the segment done (fenced) and places its file inside the transaction, only while its job
    /// is still a running split. The last one puts the job back in the queue for its join. Returns
    /// (committed, the job is ready to join).
    public async Task<(bool Committed, bool JobReady)> CompleteAsync(string segmentId, string token, string resultKey, Action placeFiles,
        CancellationToken cancellationToken)
    {
        var now = clock.Ms();
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginWriteAsync(c, cancellationToken);
        var jobId = await c.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT job_id FROM segments WHERE id = @segmentId AND lease_token = @token AND status = 'processing'",
            new { segmentId, token }, tx, cancellationToken: cancellationToken));
        // The job row is locked first: two last segments finishing at once must not both miss the other.
        var running = jobId is not null && await c.ExecuteScalarAsync<string?>(new CommandDefinition(
            $"""
            SELECT id FROM jobs WHERE id = @jobId AND status = 'processing' AND lease_expires_at IS NULL AND lease_token IS NOT NULL
                AND cancel_requested = 0 AND deleted_at IS NULL {(db.Provider == DatabaseProvider.Postgres ? "FOR UPDATE" : "")}
            """,
            new { jobId }, tx, cancellationToken: cancellationToken)) is not null;
        if (!running || await c.ExecuteAsync(new CommandDefinition(
                """
                UPDATE segments SET status = 'done', result_key = @resultKey, frames_done = frame_count, fps = 0, lease_expires_at = NULL,
                    updated_at = @now
                WHERE id = @segmentId AND lease_token = @token AND status = 'processing'
                """,
                new { segmentId, token, resultKey, now }, tx, cancellationToken: cancellationToken)) != 1)
        {
            await tx.RollbackAsync(cancellationToken);
            return (false, false);
        }

        placeFiles();
        var remaining = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM segments WHERE job_id = @jobId AND status <> 'done'", new { jobId }, tx, cancellationToken: cancellationToken));
        var ready = remaining == 0 && await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE jobs SET status = 'queued', lease_token = NULL, lease_expires_at = NULL, worker_id = NULL, fps = 0, eta_seconds = NULL,
                frames_done = frames_total, updated_at = @now
            WHERE id = @jobId AND status = 'processing' AND lease_expires_at IS NULL
            """,
            new { jobId, now }, tx, cancellationToken: cancellationToken)) == 1;
        await tx.CommitAsync(cancellationToken);
        return (true, ready);
    }

    /// Gives the segment back to the queue (fenced); without a strike the attempt is not counted either.
    public async Task<bool> ReleaseAsync(string segmentId, string token, bool countStrike, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE segments SET status = 'queued', lease_token = NULL, lease_expires_at = NULL, worker_id = NULL, place = 0, fps = 0, updated_at = @now,
                {(countStrike ? "strikes = strikes + 1" : "attempts = attempts - 1")}
            WHERE id = @segmentId AND lease_token = @token AND status = 'processing'
            """,
            new { segmentId, token, now = clock.Ms() }, cancellationToken: cancellationToken)) == 1;
    }

    /// Records where the holding attempt is in the segment's frames (WorkPlaces). Fenced.
    public async Task<bool> MarkPlaceAsync(string segmentId, string token, long place, long reached, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE segments SET place = @place, checkpoint = CASE WHEN checkpoint > @reached THEN checkpoint ELSE @reached END
            WHERE id = @segmentId AND lease_token = @token AND status = 'processing'
            """,
            new { segmentId, token, place, reached }, cancellationToken: cancellationToken)) == 1;
    }

    /// Ends a segment whose job ended (cancelled, failed) without it. Fenced.
    public async Task<bool> AbandonAsync(string segmentId, string token, SegmentStatus status, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE segments SET status = @status, lease_expires_at = NULL, fps = 0, updated_at = @now
            WHERE id = @segmentId AND lease_token = @token AND status = 'processing'
            """,
            new { segmentId, token, status = Wire(status), now = clock.Ms() }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<IReadOnlyList<SegmentRecord>> ListAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(
            "SELECT * FROM segments WHERE job_id = @jobId ORDER BY idx", new { jobId }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    /// A job held by its segments (see the class comment), not by a worker.
    public static bool IsSplit(JobRecord job) => job.Status == JobStatus.Processing && job.LeaseToken is not null && job.LeaseExpiresAt is null;

    private static string SegmentId(string jobId, int index) => string.Create(CultureInfo.InvariantCulture, $"{jobId}_seg{index:D5}");

    private static string Wire(SegmentStatus status) => status.ToString().ToLowerInvariant();

    private sealed class JobState
    {
        public long CancelRequested { get; set; }
        public long WebhookProgress { get; set; }
        public long ProgressMarks { get; set; }
    }

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string JobId { get; set; } = "";
        public long Idx { get; set; }
        public long FirstFrame { get; set; }
        public long FrameCount { get; set; }
        public string Status { get; set; } = "";
        public long Attempts { get; set; }
        public long Strikes { get; set; }
        public long Checkpoint { get; set; }
        public string? WorkerId { get; set; }
        public string? ResultKey { get; set; }

        public SegmentRecord ToRecord() => new()
        {
            Id = Id, JobId = JobId, Index = (int)Idx, Range = new FrameRange((int)FirstFrame, (int)FrameCount),
            Status = Enum.Parse<SegmentStatus>(Status, ignoreCase: true), Attempts = (int)Attempts, Strikes = (int)Strikes,
            Checkpoint = Checkpoint, WorkerId = WorkerId, ResultKey = ResultKey,
        };
    }
}
