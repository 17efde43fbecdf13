using System.Data.Common;
using System.Text.Json;
using Dapper;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Service.Billing;
using Upres.Service.Data;
using Upres.Service.Problems;
using Upres.Service.Webhooks;
using Upres.Service.Segments;
using Upres.Service.Storage;
using Upres.Service.Work;

namespace Upres.Service.Jobs;

/// IJobStore over SQLite or PostgreSQL with the same SQL. Claims are a conditional UPDATE on the
/// oldest candidate: two workers racing for one row both run it, one gets the row, the other zero
/// rows and tries again. Every change it commits is published to JobChanges (this process's event
/// streams); other processes see it through JobChangeFeed.
public sealed class SqlJobStore(IUpresDatabase db, WebhookOutboxWriter outbox, TimeProvider clock, JobChanges? changes = null) : IJobStore
{
    private static readonly string Claimable =
        $"(status = 'queued' OR (status = 'processing' AND lease_expires_at < @now AND NOT {WorkPlaces.DeadAttemptExhausts})) AND deleted_at IS NULL";

    /// EndAsync's token for "whoever held it died": the end applies only while the lease is expired.
    public const string ExpiredLease = "(expired)";

    static SqlJobStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public async Task<(JobRecord Job, bool Inserted, string ExistingHash)> InsertAsync(JobRecord job, string requestHash, CancellationToken cancellationToken)
    {
        var now = clock.Ms();
        await using var c = await db.OpenAsync(cancellationToken);
        await using (var tx = await db.BeginWriteAsync(c, cancellationToken))
        {
            var inserted = await c.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO jobs (id, account_id, dialect, status, idempotency_key, request_hash, spec_json, input_json, input_key, owns_input,
                    probe_json, plan_json, price, estimate_seconds, webhook_url, webhook_progress, metadata_json, dialect_data,
                    max_attempts, created_at, updated_at, frames_total, estimate_only)
                VALUES (@Id, @AccountId, @Dialect, 'queued', @IdempotencyKey, @requestHash, @SpecJson, @InputJson, @InputKey, @OwnsInput,
                    @ProbeJson, @PlanJson, @Price, @EstimateSeconds, @WebhookUrl, @WebhookProgress, @MetadataJson, @DialectData,
                    @MaxAttempts, @now, @now, @Frames, @EstimateOnly)
                ON CONFLICT DO NOTHING
                """,
                new
                {
                    job.Id, job.AccountId, job.Dialect, job.IdempotencyKey, requestHash,
                    SpecJson = JsonSerializer.Serialize(job.Spec, JobRowJson.Default.JobSpec), InputJson = JsonSerializer.Serialize(job.Input, JobRowJson.Default.JobInput), job.InputKey,
                    OwnsInput = job.OwnsInput ? 1L : 0L, ProbeJson = ProbeToJson(job.Probe),
                    PlanJson = job.Plan is null ? "" : JsonSerializer.Serialize(job.Plan, JobRowJson.Default.PlannedOutput), job.Price, job.EstimateSeconds,
                    job.WebhookUrl, WebhookProgress = job.WebhookProgress ? 1L : 0L, job.MetadataJson, job.DialectData,
                    MaxAttempts = (long)job.MaxAttempts, now, Frames = job.Plan?.Frames ?? 0, EstimateOnly = job.EstimateOnly ? 1L : 0L,
                },
                tx, cancellationToken: cancellationToken));
            if (inserted == 1)
            {
                // An unplanned job (a URL input) reserves in its prepare stage, once it is priced.
                if (job.Plan is not null && !await CreditLedger.TryReserveAsync(c, tx, job.AccountId, job.Id, job.Price, now, cancellationToken))
                {
                    await tx.RollbackAsync(cancellationToken);
                    var available = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                        "SELECT balance - reserved FROM accounts WHERE id = @AccountId", new { job.AccountId }, cancellationToken: cancellationToken));
                    throw new ServiceException(Errors.InsufficientCredits(job.Price, available));
                }

                await tx.CommitAsync(cancellationToken);
                return ((await GetAsync(c, null, job.Id, cancellationToken))!, true, requestHash);
            }

            await tx.RollbackAsync(cancellationToken);
        }

        // The unique index refused the insert: the key was used before. Read what it made.
        var existing = await FindByIdempotencyKeyAsync(job.AccountId, job.IdempotencyKey!, cancellationToken)
            ?? throw new InvalidOperationException("insert conflicted but no job holds the idempotency key");
        return (existing.Job, false, existing.RequestHash);
    }

    public async Task<(JobRecord Job, string RequestHash)?> FindByIdempotencyKeyAsync(string accountId, string key, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            "SELECT * FROM jobs WHERE account_id = @accountId AND idempotency_key = @key", new { accountId, key }, cancellationToken: cancellationToken));
        return row is null ? null : (row.ToRecord(), row.RequestHash);
    }

    public async Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken)
        => (await db.QueryRowAsync<JobRow>("SELECT * FROM jobs WHERE id = @key", jobId, cancellationToken))?.ToRecord();

    public async Task<string?> NewestIdAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition("SELECT id FROM jobs ORDER BY id DESC LIMIT 1", cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<JobRecord>> ListAsync(JobListQuery query, CancellationToken cancellationToken)
    {
        var q = query;
        var sql = "SELECT * FROM jobs WHERE account_id = @AccountId AND deleted_at IS NULL";
        if (q.Status is not null)
        {
            sql += " AND status = @status";
        }

        if (q.Dialect is not null)
        {
            sql += " AND dialect = @Dialect";
        }

        if (q.CreatedAfter is not null)
        {
            sql += " AND created_at >= @after";
        }

        if (q.CreatedBefore is not null)
        {
            sql += " AND created_at < @before";
        }

        if (q.Cursor is not null)
        {
            sql += " AND id < @Cursor";
        }

        sql += " ORDER BY id DESC LIMIT @Limit";
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<JobRow>(new CommandDefinition(sql, new
        {
            q.AccountId, status = q.Status?.ToWire(), q.Dialect, after = q.CreatedAfter?.ToUnixTimeMilliseconds(),
            before = q.CreatedBefore?.ToUnixTimeMilliseconds(), q.Cursor, Limit = (long)q.Limit,
        }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<(JobRecord Job, WorkClaim Claim)?> ClaimNextAsync(WorkerIdentity worker, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var now = clock.Ms();
        await GiveUpExhaustedAsync(c, now, cancellationToken);

        // One statement: PostgreSQL workers skip a row another worker is claiming instead of queueing
        // behind its lock; SQLite has one writer at a time, so the subselect sees a settled queue.
        // Taking over an expired lease judges the attempt that held it: a strike only if it died
        // inside the job's own work at the furthest place any attempt had reached (WorkPlaces).
        var token = Ids.New("lease");
        var skipLocked = db.Provider == DatabaseProvider.Postgres ? "FOR UPDATE SKIP LOCKED" : "";
        var row = await c.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            $"""
            UPDATE jobs SET
                strikes = {WorkPlaces.StrikesAfterTakeover},
                status = 'processing', lease_token = @token, lease_expires_at = @until, attempts = attempts + 1, worker_id = @workerId,
                attempt_checkpoint = checkpoint, place = 0, started_at = COALESCE(started_at, @now), updated_at = @now
            WHERE id = (SELECT id FROM jobs WHERE {Claimable} ORDER BY id LIMIT 1 {skipLocked})
            RETURNING *
            """,
            new { token, now, until = now + (long)lease.TotalMilliseconds, workerId = worker.Id }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var job = row.ToRecord();
        changes?.Publish(job.Id);
        return (job, new WorkClaim(JobKind.Name, job.Id, job.Id, token, job.Attempts));
    }

    /// A job whose worker died holding it, and whose dead attempt is the strike that reaches the
    /// limit (or the last of the hard cap, WorkPlaces), is given up rather than tried again.
    private async Task GiveUpExhaustedAsync(DbConnection c, long now, CancellationToken cancellationToken)
    {
        var exhausted = (await c.QueryAsync<(string Id, long Strike)>(new CommandDefinition(
            $"""
            SELECT id, CASE WHEN {WorkPlaces.DeadAttemptStrikes} THEN 1 ELSE 0 END FROM jobs
            WHERE status = 'processing' AND lease_expires_at < @now AND deleted_at IS NULL AND {WorkPlaces.DeadAttemptExhausts}
            LIMIT 20
            """,
            new { now }, cancellationToken: cancellationToken))).ToList();
        foreach (var (deadId, strike) in exhausted)
        {
            await using var tx = await db.BeginWriteAsync(c, cancellationToken);
            var dead = await GetAsync(c, tx, deadId, cancellationToken);
            if (dead is { Status: JobStatus.Processing } && dead.LeaseExpired(now))
            {
                var strikes = dead.Strikes + (int)strike;
                var end = new JobFailed(JobFailed.AttemptsExhausted, strikes >= dead.MaxAttempts
                    ? $"The job's worker died {strikes + 1} times at the same place in its frames without ever getting further; the job was given up."
                    : $"The job's worker stopped {dead.Attempts} times; it was given up after {dead.MaxAttempts * WorkPlaces.HardCapFactor} attempts in all.");
                await EndInTransactionAsync(c, tx, dead, ExpiredLease, end, null, now, cancellationToken);
            }

            await tx.CommitAsync(cancellationToken);
            changes?.Publish(deadId);
        }
    }

    public async Task<LeaseState> HeartbeatAsync(string jobId, string leaseToken, TimeSpan lease, JobProgressUpdate? progress, CancellationToken cancellationToken)
    {
        var now = clock.Ms();
        await using var c = await db.OpenAsync(cancellationToken);
        var p = progress;
        var sql = p is null
            ? "UPDATE jobs SET lease_expires_at = @until WHERE id = @jobId AND lease_token = @leaseToken AND status = 'processing' RETURNING cancel_requested"
            : """
              UPDATE jobs SET lease_expires_at = @until, progress = @Progress, frames_done = @FramesDone, frames_total = @FramesTotal,
                  fps = @Fps, eta_seconds = @EtaSeconds, updated_at = @now
              WHERE id = @jobId AND lease_token = @leaseToken AND status = 'processing' RETURNING cancel_requested
              """;
        var cancel = await c.ExecuteScalarAsync<long?>(new CommandDefinition(sql, new
        {
            jobId, leaseToken, now, until = now + (long)lease.TotalMilliseconds,
            p?.Progress, p?.FramesDone, p?.FramesTotal, p?.Fps, p?.EtaSeconds,
        }, cancellationToken: cancellationToken));
        if (p is not null && cancel is not null)
        {
            changes?.Publish(jobId);
        }

        return cancel switch { null => LeaseState.Lost, 1 => LeaseState.CancelRequested, _ => LeaseState.Held };
    }

    public async Task<bool> EndAsync(string jobId, string? leaseToken, JobEnd end, Action<JobRecord>? placeFiles, CancellationToken cancellationToken)
    {
        var now = clock.Ms();
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginWriteAsync(c, cancellationToken);
        var job = await GetAsync(c, tx, jobId, cancellationToken, forUpdate: db.Provider == DatabaseProvider.Postgres);
        if (job is null || !await EndInTransactionAsync(c, tx, job, leaseToken, end, placeFiles, now, cancellationToken))
        {
            await tx.RollbackAsync(cancellationToken);
            return false;
        }

        await tx.CommitAsync(cancellationToken);
        changes?.Publish(jobId);
        return true;
    }

    public async Task<PrepareOutcome> SavePreparedAsync(string jobId, string leaseToken, MediaInfo probe, PlannedOutput plan, long price, double estimateSeconds,
        Action placeInput, CancellationToken cancellationToken)
    {
        var now = clock.Ms();
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginWriteAsync(c, cancellationToken);
        var job = await GetAsync(c, tx, jobId, cancellationToken, forUpdate: db.Provider == DatabaseProvider.Postgres);
        if (job is not { Status: JobStatus.Processing, DeletedAt: null } || job.LeaseToken != leaseToken)
        {
            await tx.RollbackAsync(cancellationToken);
            return PrepareOutcome.Lost;
        }

        await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE jobs SET probe_json = @probe, plan_json = @plan, price = @price, estimate_seconds = @estimateSeconds, frames_total = @frames, updated_at = @now
            WHERE id = @jobId
            """,
            new { jobId, probe = ProbeToJson(probe), plan = JsonSerializer.Serialize(plan, JobRowJson.Default.PlannedOutput), price, estimateSeconds, frames = plan.Frames, now }, tx, cancellationToken: cancellationToken));
        if (!job.EstimateOnly && !await CreditLedger.TryReserveAsync(c, tx, job.AccountId, job.Id, price, now, cancellationToken))
        {
            // The short balance ends the job here: nothing reserved, nothing placed, nothing to charge.
            var available = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT balance - reserved FROM accounts WHERE id = @AccountId", new { job.AccountId }, tx, cancellationToken: cancellationToken));
            var error = Errors.InsufficientCredits(price, available);
            var priced = job with { Probe = probe, Plan = plan, Price = price };
            await EndInTransactionAsync(c, tx, priced, leaseToken, new JobFailed(error.Code, error.Detail ?? error.Title), null, now, cancellationToken);
            await tx.CommitAsync(cancellationToken);
            return PrepareOutcome.InsufficientCredits;
        }

        placeInput();
        await tx.CommitAsync(cancellationToken);
        return PrepareOutcome.Prepared;
    }

    public async Task<bool> ReleaseAsync(string jobId, string leaseToken, bool countStrike, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var n = await c.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE jobs SET status = 'queued', lease_token = NULL, lease_expires_at = NULL, worker_id = NULL, place = 0, updated_at = @now,
                {(countStrike ? "strikes = strikes + 1" : "attempts = attempts - 1")}
            WHERE id = @jobId AND lease_token = @leaseToken AND status = 'processing'
            """,
            new { jobId, leaseToken, now = clock.Ms() }, cancellationToken: cancellationToken));
        if (n == 1)
        {
            changes?.Publish(jobId);
        }

        return n == 1;
    }

    public async Task<bool> MarkPlaceAsync(string jobId, string leaseToken, long place, long reached, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE jobs SET place = @place, checkpoint = CASE WHEN checkpoint > @reached THEN checkpoint ELSE @reached END
            WHERE id = @jobId AND lease_token = @leaseToken AND status = 'processing'
            """,
            new { jobId, leaseToken, place, reached }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<JobRecord?> RequestCancelAsync(string jobId, CancellationToken cancellationToken)
    {
        var now = clock.Ms();
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginWriteAsync(c, cancellationToken);
        var job = await GetAsync(c, tx, jobId, cancellationToken);
        if (job is null)
        {
            return null;
        }

        if (job.Status == JobStatus.Queued)
        {
            await EndInTransactionAsync(c, tx, job, null, new JobCancelled(), null, now, cancellationToken);
        }
        else if (SqlSegmentStore.IsSplit(job))
        {
            // A split job is held by its segments, not by one worker: it ends now (credits back, one
            // webhook), and each segment's next beat finds it over and stops its engine.
            await EndInTransactionAsync(c, tx, job, job.LeaseToken, new JobCancelled(), null, now, cancellationToken);
        }
        else if (job.Status == JobStatus.Processing)
        {
            await c.ExecuteAsync(new CommandDefinition("UPDATE jobs SET cancel_requested = 1, updated_at = @now WHERE id = @jobId", new { jobId, now }, tx, cancellationToken: cancellationToken));
        }

        await tx.CommitAsync(cancellationToken);
        changes?.Publish(jobId);
        return await GetAsync(c, null, jobId, cancellationToken);
    }

    public async Task<bool> MarkDeletedAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE jobs SET deleted_at = @now, updated_at = @now WHERE id = @jobId AND status IN ('completed', 'failed', 'cancelled') AND deleted_at IS NULL",
            new { jobId, now = clock.Ms() }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task MarkFilesDeletedAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginWriteAsync(c, cancellationToken);
        var deleted = await c.QuerySingleOrDefaultAsync<StoredBytes>(new CommandDefinition(
            "UPDATE jobs SET files_deleted_at = @now WHERE id = @jobId AND files_deleted_at IS NULL RETURNING account_id AS AccountId, stored_bytes AS Bytes",
            new { jobId, now = clock.Ms() }, tx, cancellationToken: cancellationToken));
        if (deleted is { Bytes: > 0 })
        {
            await StorageLedger.ReleaseAsync(c, tx, deleted.AccountId, deleted.Bytes, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<JobRecord>> ExpiredFilesAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<JobRow>(new CommandDefinition(
            "SELECT * FROM jobs WHERE status IN ('completed', 'failed', 'cancelled') AND files_deleted_at IS NULL AND finished_at < @cutoff LIMIT 500",
            new { cutoff = cutoff.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<IReadOnlyDictionary<JobStatus, long>> CountByStatusAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<(string Status, long Count)>(new CommandDefinition(
            "SELECT status, COUNT(*) FROM jobs GROUP BY status", cancellationToken: cancellationToken));
        var counts = Enum.GetValues<JobStatus>().ToDictionary(s => s, _ => 0L);
        foreach (var (status, count) in rows)
        {
            counts[JobStatusNames.Parse(status)] = count;
        }

        return counts;
    }

    public async Task EnqueueProgressEventAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginWriteAsync(c, cancellationToken);
        // The heartbeat that saw the progress can race the job's end. Touching the row locks it (on
        // PostgreSQL as on SQLite), so the end either commits first and no progress follows, or
        // commits after and supersedes this one.
        var running = await c.ExecuteAsync(new CommandDefinition(
            "UPDATE jobs SET updated_at = updated_at WHERE id = @jobId AND status = 'processing'", new { jobId }, tx, cancellationToken: cancellationToken)) == 1;
        if (running && await GetAsync(c, tx, jobId, cancellationToken) is { WebhookProgress: true } job)
        {
            await outbox.EnqueueAsync(c, tx, job, WebhookEvents.Progress, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    /// The one place a job ends: state, money and notification in one transaction, fenced so that
    /// only the lease holder (no token: a job nobody holds; ExpiredLease: a holder that died) can end
    /// it, and only once. placeFiles runs after the fence held and before the commit: a worker that
    /// lost its lease never gets to make its files visible.
    private async Task<bool> EndInTransactionAsync(DbConnection c, DbTransaction tx, JobRecord job, string? leaseToken, JobEnd end,
        Action<JobRecord>? placeFiles, long now, CancellationToken cancellationToken)
    {
        var fenced = leaseToken switch
        {
            null => job.Status is JobStatus.Queued or JobStatus.Processing && job.LeaseToken is null,
            ExpiredLease => job.Status == JobStatus.Processing && job.LeaseExpired(now),
            _ => job.Status == JobStatus.Processing && job.LeaseToken == leaseToken,
        };
        if (!fenced || job.DeletedAt is not null)
        {
            return false;
        }

        var (errorCode, errorMessage) = end switch
        {
            JobFailed f => (f.Code, f.StoredMessage),
            JobCancelled => (JobCancelled.Code, JobCancelled.Message),
            _ => ((string?)null, (string?)null),
        };
        var result = (end as JobCompleted)?.Result;
        var updated = await c.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE jobs SET status = @status, lease_token = NULL, lease_expires_at = NULL, worker_id = NULL, finished_at = @now, updated_at = @now,
                error_code = @errorCode, error_message = @errorMessage
                {(result is null ? "" : ", progress = 1, frames_done = frames_total, eta_seconds = 0, result_key = @resultKey, result_json = @resultJson, stored_bytes = @resultBytes")}
            WHERE id = @jobId AND status = @was AND {(job.LeaseToken is null ? "lease_token IS NULL" : "lease_token = @held")}
            """,
            new
            {
                jobId = job.Id, now, status = end.Status.ToWire(), errorCode, errorMessage, was = job.Status.ToWire(), held = job.LeaseToken,
                resultKey = result?.Key, resultJson = result is null ? null : JsonSerializer.Serialize(result, JobRowJson.Default.JobResult), resultBytes = result?.SizeBytes ?? 0,
            },
            tx, cancellationToken: cancellationToken));
        if (updated != 1)
        {
            return false;
        }

        var settled = end.Ledger switch
        {
            LedgerAction.Charge => CreditLedger.ChargeAsync(c, tx, job.AccountId, job.Id, job.Price, now, cancellationToken),
            _ => CreditLedger.ReleaseAsync(c, tx, job.AccountId, job.Id, job.Price, now, cancellationToken),
        };
        await settled;
        if (result is not null)
        {
            await StorageLedger.AddAsync(c, tx, job.AccountId, result.SizeBytes, cancellationToken);
        }

        placeFiles?.Invoke(job);
        var ended = await GetAsync(c, tx, job.Id, cancellationToken);
        await outbox.SupersedeProgressAsync(c, tx, job.Id, now, cancellationToken);
        await outbox.EnqueueAsync(c, tx, ended!, end.WebhookEvent, cancellationToken);
        return true;
    }

    private static async Task<JobRecord?> GetAsync(DbConnection c, DbTransaction? tx, string jobId, CancellationToken cancellationToken, bool forUpdate = false)
    {
        var row = await c.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            forUpdate ? "SELECT * FROM jobs WHERE id = @jobId FOR UPDATE" : "SELECT * FROM jobs WHERE id = @jobId", new { jobId }, tx, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    private sealed class JobRow
    {
        public string Id { get; set; } = "";
        public string AccountId { get; set; } = "";
        public string Dialect { get; set; } = "";
        public string Status { get; set; } = "";
        public string? IdempotencyKey { get; set; }
        public string RequestHash { get; set; } = "";
        public string SpecJson { get; set; } = "";
        public string InputJson { get; set; } = "";
        public string InputKey { get; set; } = "";
        public string? ResultKey { get; set; }
        public string? LeaseToken { get; set; }
        public long? LeaseExpiresAt { get; set; }
        public string? WorkerId { get; set; }
        public long Checkpoint { get; set; }
        public long AttemptCheckpoint { get; set; }
        public long Strikes { get; set; }
        public long OwnsInput { get; set; }
        public string ProbeJson { get; set; } = "";
        public string PlanJson { get; set; } = "";
        public long EstimateOnly { get; set; }
        public long Price { get; set; }
        public double EstimateSeconds { get; set; }
        public string? WebhookUrl { get; set; }
        public long WebhookProgress { get; set; }
        public string? MetadataJson { get; set; }
        public string? DialectData { get; set; }
        public double Progress { get; set; }
        public long FramesDone { get; set; }
        public long FramesTotal { get; set; }
        public double Fps { get; set; }
        public double? EtaSeconds { get; set; }
        public string? ErrorCode { get; set; }
        public string? ErrorMessage { get; set; }
        public string? ResultJson { get; set; }
        public long Attempts { get; set; }
        public long MaxAttempts { get; set; }
        public long CancelRequested { get; set; }
        public long CreatedAt { get; set; }
        public long UpdatedAt { get; set; }
        public long? StartedAt { get; set; }
        public long? FinishedAt { get; set; }
        public long? FilesDeletedAt { get; set; }
        public long? DeletedAt { get; set; }

        public JobRecord ToRecord() => new()
        {
            Id = Id,
            AccountId = AccountId,
            Dialect = Dialect,
            Status = JobStatusNames.Parse(Status),
            IdempotencyKey = IdempotencyKey,
            Spec = DecodedColumns.Spec.Decode(SpecJson),
            Input = DecodedColumns.Input.Decode(InputJson),
            InputKey = InputKey,
            LeaseToken = LeaseToken,
            LeaseExpiresAt = LeaseExpiresAt.ToTime(),
            WorkerId = WorkerId,
            Checkpoint = Checkpoint,
            Strikes = (int)Strikes,
            OwnsInput = OwnsInput == 1,
            Probe = ProbeFromJson(ProbeJson),
            Plan = string.IsNullOrEmpty(PlanJson) ? null : DecodedColumns.Plan.Decode(PlanJson),
            EstimateOnly = EstimateOnly != 0,
            Price = Price,
            EstimateSeconds = EstimateSeconds,
            WebhookUrl = WebhookUrl,
            WebhookProgress = WebhookProgress == 1,
            MetadataJson = MetadataJson,
            DialectData = DialectData,
            Progress = Progress,
            FramesDone = FramesDone,
            FramesTotal = FramesTotal,
            Fps = Fps,
            EtaSeconds = EtaSeconds,
            ErrorCode = ErrorCode,
            ErrorMessage = ErrorMessage,
            // Rows from before storage keys carried the absolute path in result_key and a "Path" in the JSON.
            Result = ResultJson is null ? null : DecodedColumns.Result.Decode(ResultJson) with { Key = ResultKey ?? "" },
            Attempts = (int)Attempts,
            MaxAttempts = (int)MaxAttempts,
            CancelRequested = CancelRequested == 1,
            CreatedAt = CreatedAt.ToTime(),
            UpdatedAt = UpdatedAt.ToTime(),
            StartedAt = StartedAt.ToTime(),
            FinishedAt = FinishedAt.ToTime(),
            FilesDeletedAt = FilesDeletedAt.ToTime(),
            DeletedAt = DeletedAt.ToTime(),
        };
    }

    // An unprobed job (a URL input before its prepare stage, or a job stored before probes were) keeps '{}'.
    private static string ProbeToJson(MediaInfo? probe) => probe is null ? "{}" : JsonSerializer.Serialize(probe, JobRowJson.Default.MediaInfo);

    private static MediaInfo? ProbeFromJson(string json) =>
        string.IsNullOrEmpty(json) || json == "{}" ? null : DecodedColumns.Probe.Decode(json);
}
