using Dapper;
using Microsoft.Extensions.Options;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Service.Accounts;
using Upres.Service.Data;
using Upres.Service.Hosting;
using Upres.Service.Jobs;
using Upres.Service.Problems;
using Upres.Service.Storage;
using Upres.Service.Tests.Infrastructure;
using Upres.Service.Uploads;
using Upres.Service.Webhooks;
using Upres.Service.Work;

namespace Upres.Service.Tests;

/// The job, upload, ledger and webhook outbox stores on a real SQLite file.
public sealed class SqliteStoreTests : StoreTests
{
    protected override Task<IUpresDatabase> OpenDatabaseAsync(string directory)
        => Task.FromResult<IUpresDatabase>(new SqliteDatabase(Path.Combine(directory, "upres.db")));
}

/// The same suite on PostgreSQL: one throwaway cluster for the class, a fresh database per test.
public sealed class PostgresStoreTests(PostgresClusterFixture cluster) : StoreTests, IClassFixture<PostgresClusterFixture>
{
    protected override async Task<IUpresDatabase> OpenDatabaseAsync(string directory)
        => new PostgresDatabase(await cluster.CreateDatabaseAsync());
}

/// What the stores promise, whichever database holds them (the lease rules are LeaseTests).
public abstract class StoreTests : IAsyncLifetime
{
    private static readonly PlannedOutput Plan = new(320, 256, 10, TimeSpan.FromSeconds(1), 10, 160, 128, 10);
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string _dir = TempDirectory.Create("upres-store");
    private IUpresDatabase _db = null!;
    private SqlJobStore _jobs = null!;
    private SqlAccountStore _accounts = null!;
    private SqlUploadStore _uploads = null!;
    private SqlWebhookStore _webhooks = null!;

    protected abstract Task<IUpresDatabase> OpenDatabaseAsync(string directory);

    public async Task InitializeAsync()
    {
        _db = await OpenDatabaseAsync(_dir);
        await _db.MigrateAsync(CancellationToken.None);
        var options = Options.Create(new UpresOptions { DataDirectory = _dir });
        var links = new ResultLinks(_db, new PublicBaseUrl(Options.Create(new UpresOptions { DataDirectory = _dir, PublicUrl = "http://127.0.0.1:1" }), null!), options, _clock);
        await links.InitializeAsync(CancellationToken.None);
        _jobs = new SqlJobStore(_db, new WebhookOutboxWriter(new WebhookPayloads([new NativeWebhookFormatter()]), links, _clock), _clock);
        _accounts = new SqlAccountStore(_db, _clock);
        _uploads = new SqlUploadStore(_db, _clock);
        _webhooks = new SqlWebhookStore(_db, _clock);
    }

    public Task DisposeAsync()
    {
        (_db as IDisposable)?.Dispose();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private JobRecord NewJob(string accountId, long price = 5, string dialect = "native", string? key = null, string? webhookUrl = null) => new()
    {
        Id = Ids.New("job"), AccountId = accountId, Dialect = dialect, Status = JobStatus.Queued, Spec = new JobSpec(), Input = new JobInput("upl_x", null),
        Plan = Plan, Price = price, EstimateSeconds = 1, MaxAttempts = 3, InputKey = "inputs/none", IdempotencyKey = key, WebhookUrl = webhookUrl,
    };

    private async Task<JobRecord> InsertAsync(JobRecord job)
    {
        var (stored, inserted, _) = await _jobs.InsertAsync(job, "hash-" + job.Id, CancellationToken.None);
        Assert.True(inserted);
        return stored;
    }

    private async Task<List<string>> LedgerKindsAsync(string jobId)
    {
        await using var c = await _db.OpenAsync(CancellationToken.None);
        return [.. await c.QueryAsync<string>("SELECT kind FROM ledger WHERE job_id = @jobId ORDER BY id", new { jobId })];
    }

    [Fact]
    public async Task A_job_is_inserted_once_per_idempotency_key_reserves_its_price_and_a_short_balance_reserves_nothing()
    {
        var account = await _accounts.CreateAsync("a", 12, CancellationToken.None);
        var first = NewJob(account.Id, key: "key-1");
        var (stored, inserted, hash) = await _jobs.InsertAsync(first, "hash-1", CancellationToken.None);
        Assert.True(inserted);
        Assert.Equal(("hash-1", JobStatus.Queued, Plan, 10L), (hash, stored.Status, stored.Plan, stored.FramesTotal));

        var (again, insertedAgain, existingHash) = await _jobs.InsertAsync(NewJob(account.Id, key: "key-1"), "hash-2", CancellationToken.None);
        Assert.False(insertedAgain);
        Assert.Equal((first.Id, "hash-1"), (again.Id, existingHash));
        Assert.Equal(first.Id, (await _jobs.FindByIdempotencyKeyAsync(account.Id, "key-1", CancellationToken.None))!.Value.Job.Id);
        Assert.Null(await _jobs.FindByIdempotencyKeyAsync(account.Id, "key-2", CancellationToken.None));

        var refused = await Assert.ThrowsAsync<ServiceException>(() => _jobs.InsertAsync(NewJob(account.Id, price: 8), "hash-3", CancellationToken.None));
        Assert.Equal("insufficient_credits", refused.Error.Code);
        var after = await _accounts.GetAsync(account.Id, CancellationToken.None);
        Assert.Equal((12L, 5L, 7L), (after!.Balance, after.Reserved, after.Available));
        Assert.Equal(["reserve"], await LedgerKindsAsync(first.Id));
        await using var c = await _db.OpenAsync(CancellationToken.None);
        Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM jobs WHERE account_id = @id", new { id = account.Id }));
    }

    [Fact]
    public async Task A_job_list_filters_by_status_dialect_and_time_pages_newest_first_and_leaves_out_deleted_jobs()
    {
        var account = await _accounts.CreateAsync("a", 100, CancellationToken.None);
        var other = await _accounts.CreateAsync("b", 100, CancellationToken.None);
        var start = _clock.GetUtcNow();
        var ids = new List<string>();
        foreach (var dialect in new[] { "native", "kokoon", "native", "hitpaw", "native" })
        {
            ids.Add((await InsertAsync(NewJob(account.Id, price: 1, dialect: dialect))).Id);
            _clock.Advance(TimeSpan.FromSeconds(10));
        }

        await InsertAsync(NewJob(other.Id, price: 1));
        await _jobs.RequestCancelAsync(ids[1], CancellationToken.None);
        await _jobs.RequestCancelAsync(ids[4], CancellationToken.None);
        Assert.True(await _jobs.MarkDeletedAsync(ids[4], CancellationToken.None));

        async Task<List<string>> ListAsync(JobListQuery query) => [.. (await _jobs.ListAsync(query, CancellationToken.None)).Select(j => j.Id)];
        var newestFirst = Enumerable.Reverse(ids.Take(4)).ToList();
        Assert.Equal(newestFirst, await ListAsync(new JobListQuery(account.Id)));
        Assert.Equal([ids[1]], await ListAsync(new JobListQuery(account.Id, Status: JobStatus.Cancelled)));
        Assert.Equal([ids[2], ids[0]], await ListAsync(new JobListQuery(account.Id, Dialect: "native")));
        Assert.Equal([ids[2], ids[1]], await ListAsync(new JobListQuery(account.Id, CreatedAfter: start + TimeSpan.FromSeconds(10), CreatedBefore: start + TimeSpan.FromSeconds(30))));

        var page = await ListAsync(new JobListQuery(account.Id, Limit: 2));
        Assert.Equal(newestFirst.Take(2), page);
        Assert.Equal(newestFirst.Skip(2), await ListAsync(new JobListQuery(account.Id, Cursor: page[^1], Limit: 2)));
    }

    [Fact]
    public async Task A_queued_cancel_releases_at_once_a_running_one_asks_its_worker_and_only_finished_jobs_can_be_deleted()
    {
        var account = await _accounts.CreateAsync("a", 100, CancellationToken.None);
        var queued = await InsertAsync(NewJob(account.Id, webhookUrl: "http://127.0.0.1:9/hook"));
        var running = await InsertAsync(NewJob(account.Id));
        Assert.Null(await _jobs.RequestCancelAsync("job_missing", CancellationToken.None));

        var cancelled = await _jobs.RequestCancelAsync(queued.Id, CancellationToken.None);
        Assert.Equal((JobStatus.Cancelled, "cancelled"), (cancelled!.Status, cancelled.ErrorCode));
        Assert.Equal(["reserve", "release"], await LedgerKindsAsync(queued.Id));
        Assert.Equal(["job.cancelled"], (await _webhooks.ForJobAsync(queued.Id, CancellationToken.None)).Select(m => m.Message.EventType));

        var claim = (await _jobs.ClaimNextAsync(WorkerIdentity.ForThisProcess(1, "cpu", 1), TimeSpan.FromSeconds(30), CancellationToken.None))!.Value;
        Assert.Equal(running.Id, claim.Job.Id);
        var asked = await _jobs.RequestCancelAsync(running.Id, CancellationToken.None);
        Assert.Equal((JobStatus.Processing, true), (asked!.Status, asked.CancelRequested));
        Assert.False(await _jobs.MarkDeletedAsync(running.Id, CancellationToken.None));

        var counts = await _jobs.CountByStatusAsync(CancellationToken.None);
        Assert.Equal((0L, 1L, 0L, 0L, 1L), (counts[JobStatus.Queued], counts[JobStatus.Processing], counts[JobStatus.Completed], counts[JobStatus.Failed], counts[JobStatus.Cancelled]));

        Assert.True(await _jobs.MarkDeletedAsync(queued.Id, CancellationToken.None));
        Assert.False(await _jobs.MarkDeletedAsync(queued.Id, CancellationToken.None));
        Assert.Empty(await _jobs.ListAsync(new JobListQuery(account.Id, Status: JobStatus.Cancelled), CancellationToken.None));
        Assert.NotNull((await _jobs.GetAsync(queued.Id, CancellationToken.None))!.DeletedAt);
    }

    [Fact]
    public async Task Finished_jobs_files_expire_after_the_cutoff_once()
    {
        var account = await _accounts.CreateAsync("a", 100, CancellationToken.None);
        var old = await InsertAsync(NewJob(account.Id));
        var waiting = await InsertAsync(NewJob(account.Id));
        await _jobs.RequestCancelAsync(old.Id, CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(2));
        var recent = await InsertAsync(NewJob(account.Id));
        await _jobs.RequestCancelAsync(recent.Id, CancellationToken.None);

        var cutoff = _clock.GetUtcNow() - TimeSpan.FromHours(1);
        Assert.Equal([old.Id], (await _jobs.ExpiredFilesAsync(cutoff, CancellationToken.None)).Select(j => j.Id));
        await _jobs.MarkFilesDeletedAsync(old.Id, CancellationToken.None);
        Assert.Empty(await _jobs.ExpiredFilesAsync(cutoff, CancellationToken.None));
        Assert.NotNull((await _jobs.GetAsync(old.Id, CancellationToken.None))!.FilesDeletedAt);
        Assert.Equal(JobStatus.Queued, (await _jobs.GetAsync(waiting.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task An_upload_is_seen_only_by_its_account_and_expires_unless_kept_or_used_by_an_unfinished_job()
    {
        var account = await _accounts.CreateAsync("a", 100, CancellationToken.None);
        var other = await _accounts.CreateAsync("b", 100, CancellationToken.None);
        async Task<UploadRecord> UploadAsync(string key)
        {
            var upload = new UploadRecord(Ids.New("upl"), account.Id, key, key + ".mp4", 1234, """{"format":"mov,mp4"}""", _clock.GetUtcNow());
            await _uploads.InsertAsync(upload, CancellationToken.None);
            _clock.Advance(TimeSpan.FromSeconds(1));
            return upload;
        }

        var plain = await UploadAsync("uploads/plain");
        var kept = await UploadAsync("uploads/kept");
        var used = await UploadAsync("uploads/used");

        Assert.Equal(plain, await _uploads.GetAsync(account.Id, plain.Id, CancellationToken.None));
        Assert.Null(await _uploads.GetAsync(other.Id, plain.Id, CancellationToken.None));
        Assert.Equal([used.Id, kept.Id, plain.Id], (await _uploads.ListAsync(account.Id, CancellationToken.None)).Select(u => u.Id));

        var keptUntil = _clock.GetUtcNow() + TimeSpan.FromDays(14);
        await _uploads.KeepUntilAsync(kept.Id, keptUntil, CancellationToken.None);
        await InsertAsync(NewJob(account.Id) with { InputKey = used.Key });
        _clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal([plain.Id], (await _uploads.ExpiredAsync(_clock.GetUtcNow() - TimeSpan.FromDays(1), CancellationToken.None)).Select(u => u.Id));

        _clock.Advance(TimeSpan.FromDays(12));
        Assert.Equal(new[] { kept.Id, plain.Id }.Order(StringComparer.Ordinal), (await _uploads.ExpiredAsync(_clock.GetUtcNow() - TimeSpan.FromDays(1), CancellationToken.None)).Select(u => u.Id).Order(StringComparer.Ordinal));
        Assert.Equal(keptUntil, (await _uploads.GetAsync(account.Id, kept.Id, CancellationToken.None))!.KeptUntil);

        await _uploads.MarkDeletedAsync(plain.Id, CancellationToken.None);
        Assert.Null(await _uploads.GetAsync(account.Id, plain.Id, CancellationToken.None));
        Assert.DoesNotContain(plain.Id, (await _uploads.ListAsync(account.Id, CancellationToken.None)).Select(u => u.Id));
    }

    [Fact]
    public async Task The_ledger_settles_a_job_once_and_never_lets_the_balance_fall_below_the_reservation()
    {
        var account = await _accounts.CreateAsync("a", 10, CancellationToken.None);
        var job = await InsertAsync(NewJob(account.Id, price: 6));
        Assert.Null(await _accounts.AddCreditsAsync(account.Id, -5, "would go below the reservation", CancellationToken.None));
        Assert.Null(await _accounts.AddCreditsAsync("acct_missing", 5, null, CancellationToken.None));
        var granted = await _accounts.AddCreditsAsync(account.Id, 3, "top-up", CancellationToken.None);
        Assert.Equal((13L, 6L), (granted!.Balance, granted.Reserved));

        var claim = (await _jobs.ClaimNextAsync(WorkerIdentity.ForThisProcess(1, "cpu", 1), TimeSpan.FromSeconds(30), CancellationToken.None))!.Value;
        var completed = new JobCompleted(new JobResult("results/x/result.mp4", 320, 256, 10, TimeSpan.FromSeconds(1), 10, 1000));
        Assert.True(await _jobs.EndAsync(job.Id, claim.Claim.Token, completed, null, CancellationToken.None));
        Assert.False(await _jobs.EndAsync(job.Id, claim.Claim.Token, new JobFailed("x", "late"), null, CancellationToken.None));

        var debited = await _accounts.AddCreditsAsync(account.Id, -2, "refund reversal", CancellationToken.None);
        Assert.Equal((5L, 0L), (debited!.Balance, debited.Reserved));
        var ledger = await _accounts.LedgerAsync(account.Id, 10, CancellationToken.None);
        Assert.Equal(["debit", "charge", "grant", "reserve", "grant"], ledger.Select(e => e.Kind));
        Assert.Equal([-2L, 6L, 3L, 6L, 10L], ledger.Select(e => e.Amount));
        Assert.Equal([(5L, 0L), (7L, 0L), (13L, 6L), (10L, 6L), (10L, 0L)], ledger.Select(e => (e.BalanceAfter, e.ReservedAfter)));
        Assert.Equal(["debit", "charge"], (await _accounts.LedgerAsync(account.Id, 2, CancellationToken.None)).Select(e => e.Kind));
    }

    [Fact]
    public async Task The_outbox_sends_a_jobs_messages_in_order_one_claim_at_a_time_and_retries_when_due()
    {
        var account = await _accounts.CreateAsync("a", 100, CancellationToken.None);
        var job = await InsertAsync(NewJob(account.Id, webhookUrl: "http://127.0.0.1:9/hook") with { WebhookProgress = true });
        var claim = (await _jobs.ClaimNextAsync(WorkerIdentity.ForThisProcess(1, "cpu", 1), TimeSpan.FromSeconds(30), CancellationToken.None))!.Value;
        await _jobs.EnqueueProgressEventAsync(job.Id, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMilliseconds(10));
        var completed = new JobCompleted(new JobResult("results/x/result.mp4", 320, 256, 10, TimeSpan.FromSeconds(1), 10, 1000));
        Assert.True(await _jobs.EndAsync(job.Id, claim.Claim.Token, completed, null, CancellationToken.None));

        // The end superseded the progress message that was still waiting: only the end is due.
        var messages = await _webhooks.ForJobAsync(job.Id, CancellationToken.None);
        Assert.Equal([(WebhookEvents.Progress, WebhookStatus.Superseded), ("job.completed", WebhookStatus.Pending)],
            messages.Select(m => (m.Message.EventType, m.Message.Status)));
        var due = Assert.Single(await _webhooks.DueAsync([], 10, CancellationToken.None));
        Assert.Equal("job.completed", due.EventType);
        Assert.Empty(await _webhooks.DueAsync([due.Destination], 10, CancellationToken.None));

        var held = await _webhooks.ClaimAsync(due.Id, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.NotNull(held);
        Assert.Null(await _webhooks.ClaimAsync(due.Id, TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.Empty(await _webhooks.DueAsync([], 10, CancellationToken.None));

        var failedAttempt = new WebhookAttempt(1, _clock.GetUtcNow(), 500, null, 12);
        await _webhooks.RecordAttemptAsync(held!, failedAttempt, "{\"sent\":1}", WebhookStatus.Pending, _clock.GetUtcNow() + TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Empty(await _webhooks.DueAsync([], 10, CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(5));
        var retry = await _webhooks.ClaimAsync(due.Id, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal((1, 500), (retry!.Attempts, retry.LastStatusCode));

        await _webhooks.ReleaseAsync(due.Id, CancellationToken.None);
        var again = await _webhooks.ClaimAsync(due.Id, TimeSpan.FromSeconds(30), CancellationToken.None);
        await _webhooks.RecordAttemptAsync(again!, new WebhookAttempt(2, _clock.GetUtcNow(), 200, null, 8), "{\"sent\":2}", WebhookStatus.Delivered, null, CancellationToken.None);
        Assert.Empty(await _webhooks.DueAsync([], 10, CancellationToken.None));
        var (message, attempts) = (await _webhooks.ForJobAsync(job.Id, CancellationToken.None)).Single(m => m.Message.EventType == "job.completed");
        Assert.Equal((WebhookStatus.Delivered, "{\"sent\":2}", 2), (message.Status, message.Payload, message.Attempts));
        Assert.Equal([(1, (int?)500), (2, (int?)200)], attempts.Select(a => (a.Attempt, a.StatusCode)));
        Assert.Equal([account.WebhookSecret], await _webhooks.SecretsAsync(account.Id, _clock.GetUtcNow(), CancellationToken.None));
    }
}
