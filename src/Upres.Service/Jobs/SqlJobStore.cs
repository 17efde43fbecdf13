using System.Data.Common;
using System.Text.Json;
using Dapper;
using Upres.Service.Billing;
using Upres.Service.Data;
using Upres.Service.Problems;
using Upres.Service.Webhooks;

namespace Upres.Service.Jobs;

/// IJobStore over SQLite or PostgreSQL with the same SQL. Claims are a conditional UPDATE on the
/// oldest candidate: two workers racing for one row both run it, one gets the row, the other zero
/// rows and tries again.
public sealed class SqlJobStore(IUpresDatabase db, WebhookOutboxWriter outbox, TimeProvider clock) : IJobStore
{
    private const string Claimable = "(status = 'queued' OR (status = 'processing' AND lease_expires_at < @now)) AND deleted_at IS NULL";

    static SqlJobStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public async Task<(JobRecord Job, bool Inserted, string ExistingHash)> InsertAsync(JobRecord job, string requestHash, CancellationToken cancellationToken)
    {
        var now = clock.Ms();
        await using var c = await db.OpenAsync(cancellationToken);
        await using (var tx = await db.BeginWriteAsync(c, cancellationToken))
        {
            var inserted = await c.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO jobs (id, account_id, dialect, status, idempotency_key, request_hash, spec_json, input_json, input_path, owns_input,
                    probe_json, plan_json, price, estimate_seconds, webhook_url, webhook_progress, metadata_json, dialect_data,
                    max_attempts, created_at, updated_at, frames_total)
                VALUES (@Id, @AccountId, @Dialect, 'queued', @IdempotencyKey, @requestHash, @SpecJson, @InputJson, @InputPath, @OwnsInput,
                    '{}', @PlanJson, @Price, @EstimateSeconds, @WebhookUrl, @WebhookProgress, @MetadataJson, @DialectData,
                    @MaxAttempts, @now, @now, @Frames)
                ON CONFLICT DO NOTHING
                """,
                new
                {
                    job.Id, job.AccountId, job.Dialect, job.IdempotencyKey, requestHash,
                    SpecJson = JsonSerializer.Serialize(job.Spec), InputJson = JsonSerializer.Serialize(job.Input), job.InputPath,
                    OwnsInput = job.OwnsInput ? 1L : 0L, PlanJson = JsonSerializer.Serialize(job.Plan), job.Price, job.EstimateSeconds,
                    job.WebhookUrl, WebhookProgress = job.WebhookProgress ? 1L : 0L, job.MetadataJson, job.DialectData,
                    MaxAttempts = (long)job.MaxAttempts, now, job.Plan.Frames,
                },
                tx, cancellationToken: cancellationToken));
            if (inserted == 1)
            {
                if (!await CreditLedger.TryReserveAsync(c, tx, job.AccountId, job.Id, job.Price, now, cancellationToken))
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
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await GetAsync(c, null, jobId, cancellationToken);
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

    public async Task<(JobRecord Job, string LeaseToken)?> ClaimNextAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        for (var tries = 0; tries < 5; tries++)
        {
            var now = clock.Ms();
            var token = Ids.New("lease");
            await using var tx = await db.BeginWriteAsync(c, cancellationToken);

            // A job whose worker died holding it on its last attempt is given up, not retried again.
            var exhausted = await c.QueryAsync<string>(new CommandDefinition(
                "SELECT id FROM jobs WHERE status = 'processing' AND lease_expires_at < @now AND attempts >= max_attempts AND deleted_at IS NULL LIMIT 20",
                new { now }, tx, cancellationToken: cancellationToken));
            foreach (var deadId in exhausted.ToList())
            {
                var dead = (await GetAsync(c, tx, deadId, cancellationToken))!;
                await EndInTransactionAsync(c, tx, dead, null, "failed", ", error_code = 'attempts_exhausted', error_message = @message",
                    new { message = $"The job's worker stopped {dead.Attempts} times before it finished; it was given up after {dead.MaxAttempts} attempts." },
                    false, WebhookEvents.Failed, now, cancellationToken);
            }
            var id = await c.ExecuteScalarAsync<string?>(new CommandDefinition(
                $"SELECT id FROM jobs WHERE {Claimable} ORDER BY id LIMIT 1", new { now }, tx, cancellationToken: cancellationToken));
            if (id is null)
            {
                await tx.CommitAsync(cancellationToken);
                return null;
            }

            var claimed = await c.ExecuteAsync(new CommandDefinition(
                $"""
                UPDATE jobs SET status = 'processing', lease_token = @token, lease_expires_at = @until, attempts = attempts + 1,
                    started_at = COALESCE(started_at, @now), updated_at = @now
                WHERE id = @id AND {Claimable}
                """,
                new { id, token, now, until = now + (long)lease.TotalMilliseconds }, tx, cancellationToken: cancellationToken));
            await tx.CommitAsync(cancellationToken);
            if (claimed == 1)
            {
                return ((await GetAsync(c, null, id, cancellationToken))!, token);
            }
        }

        return null;
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
        return cancel switch { null => LeaseState.Lost, 1 => LeaseState.CancelRequested, _ => LeaseState.Held };
    }

    public Task<bool> CompleteAsync(string jobId, string leaseToken, JobResult result, CancellationToken cancellationToken)
        => EndAsync(jobId, leaseToken, "completed",
            ", progress = 1, frames_done = frames_total, eta_seconds = 0, result_path = @path, result_json = @resultJson, error_code = NULL, error_message = NULL",
            new { path = result.Path, resultJson = JsonSerializer.Serialize(result) }, settleByCharge: true, WebhookEvents.Completed, cancellationToken);

    public Task<bool> FailAsync(string jobId, string? leaseToken, string code, string message, CancellationToken cancellationToken)
        => EndAsync(jobId, leaseToken, "failed", ", error_code = @code, error_message = @message",
            new { code, message = message.Length > 2000 ? message[..2000] : message }, settleByCharge: false, WebhookEvents.Failed, cancellationToken);

    public Task<bool> FinishCancelledAsync(string jobId, string leaseToken, CancellationToken cancellationToken)
        => EndAsync(jobId, leaseToken, "cancelled", ", error_code = 'cancelled', error_message = 'The job was cancelled.'", new { }, settleByCharge: false, WebhookEvents.Cancelled, cancellationToken);

    public async Task<bool> RequeueAsync(string jobId, string leaseToken, bool refundAttempt, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var n = await c.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE jobs SET status = 'queued', lease_token = NULL, lease_expires_at = NULL, updated_at = @now
                {(refundAttempt ? ", attempts = attempts - 1" : "")}
            WHERE id = @jobId AND lease_token = @leaseToken AND status = 'processing'
            """,
            new { jobId, leaseToken, now = clock.Ms() }, cancellationToken: cancellationToken));
        return n == 1;
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
            await EndInTransactionAsync(c, tx, job, null, "cancelled", ", error_code = 'cancelled', error_message = 'The job was cancelled.'", new { }, false, WebhookEvents.Cancelled, now, cancellationToken);
        }
        else if (job.Status == JobStatus.Processing)
        {
            await c.ExecuteAsync(new CommandDefinition("UPDATE jobs SET cancel_requested = 1, updated_at = @now WHERE id = @jobId", new { jobId, now }, tx, cancellationToken: cancellationToken));
        }

        await tx.CommitAsync(cancellationToken);
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
        await c.ExecuteAsync(new CommandDefinition("UPDATE jobs SET files_deleted_at = @now WHERE id = @jobId", new { jobId, now = clock.Ms() }, cancellationToken: cancellationToken));
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

    private async Task<bool> EndAsync(string jobId, string? leaseToken, string status, string set, object extra, bool settleByCharge, string eventType, CancellationToken cancellationToken)
    {
        var now = clock.Ms();
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginWriteAsync(c, cancellationToken);
        var job = await GetAsync(c, tx, jobId, cancellationToken);
        if (job is null || !await EndInTransactionAsync(c, tx, job, leaseToken, status, set, extra, settleByCharge, eventType, now, cancellationToken))
        {
            await tx.RollbackAsync(cancellationToken);
            return false;
        }

        await tx.CommitAsync(cancellationToken);
        return true;
    }

    /// The one place a job ends: state, money and notification in one transaction, guarded so that
    /// only the lease holder (or, without a token, a job nobody holds) can end it, and only once.
    private async Task<bool> EndInTransactionAsync(DbConnection c, DbTransaction tx, JobRecord job, string? leaseToken, string status, string set, object extra,
        bool settleByCharge, string eventType, long now, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(extra);
        parameters.Add("jobId", job.Id);
        parameters.Add("leaseToken", leaseToken);
        parameters.Add("now", now);
        parameters.Add("status", status);
        var guard = leaseToken is null ? "status IN ('queued', 'processing')" : "lease_token = @leaseToken AND status = 'processing'";
        var updated = await c.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE jobs SET status = @status, lease_token = NULL, lease_expires_at = NULL, finished_at = @now, updated_at = @now {set}
            WHERE id = @jobId AND {guard}
            """,
            parameters, tx, cancellationToken: cancellationToken));
        if (updated != 1)
        {
            return false;
        }

        if (settleByCharge)
        {
            await CreditLedger.ChargeAsync(c, tx, job.AccountId, job.Id, job.Price, now, cancellationToken);
        }
        else
        {
            await CreditLedger.ReleaseAsync(c, tx, job.AccountId, job.Id, job.Price, now, cancellationToken);
        }

        var ended = await GetAsync(c, tx, job.Id, cancellationToken);
        await outbox.SupersedeProgressAsync(c, tx, job.Id, now, cancellationToken);
        await outbox.EnqueueAsync(c, tx, ended!, eventType, cancellationToken);
        return true;
    }

    private static async Task<JobRecord?> GetAsync(DbConnection c, DbTransaction? tx, string jobId, CancellationToken cancellationToken)
    {
        var row = await c.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            "SELECT * FROM jobs WHERE id = @jobId", new { jobId }, tx, cancellationToken: cancellationToken));
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
        public string InputPath { get; set; } = "";
        public long OwnsInput { get; set; }
        public string PlanJson { get; set; } = "";
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
            Spec = JsonSerializer.Deserialize<JobSpec>(SpecJson)!,
            Input = JsonSerializer.Deserialize<JobInput>(InputJson)!,
            InputPath = InputPath,
            OwnsInput = OwnsInput == 1,
            Plan = JsonSerializer.Deserialize<OutputPlan>(PlanJson)!,
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
            Result = ResultJson is null ? null : JsonSerializer.Deserialize<JobResult>(ResultJson),
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
}
