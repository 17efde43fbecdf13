using Dapper;
using Microsoft.Extensions.Options;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Service.Accounts;
using Upres.Service.Data;
using Upres.Service.Hosting;
using Upres.Service.Jobs;
using Upres.Service.Storage;
using Upres.Service.Tests.Infrastructure;
using Upres.Service.Webhooks;
using Upres.Service.Work;

namespace Upres.Service.Tests;

/// The store's lease rules on a real SQLite file.
public sealed class SqliteLeaseTests : LeaseTests
{
    protected override Task<IUpresDatabase> OpenDatabaseAsync(string directory)
        => Task.FromResult<IUpresDatabase>(new SqliteDatabase(Path.Combine(directory, "upres.db")));
}

/// The same rules on PostgreSQL, the store several workers share: a fresh database per test on
/// one throwaway cluster.
public sealed class PostgresLeaseTests(PostgresClusterFixture cluster) : LeaseTests, IClassFixture<PostgresClusterFixture>
{
    protected override async Task<IUpresDatabase> OpenDatabaseAsync(string directory)
        => new PostgresDatabase(await cluster.CreateDatabaseAsync());
}

/// The store's lease rules, with time moved by hand.
public abstract class LeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string _dir = TempDirectory.Create("upres-lease");
    private IUpresDatabase _db = null!;
    private SqlJobStore _jobs = null!;
    private SqlAccountStore _accounts = null!;
    private readonly WorkerIdentity _worker = WorkerIdentity.ForThisProcess(2, "cpu", 1);

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
    }

    public Task DisposeAsync()
    {
        (_db as IDisposable)?.Dispose();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<(string AccountId, JobRecord Job)> QueueAsync(int maxAttempts = 3)
    {
        var account = await _accounts.CreateAsync("a", 100, CancellationToken.None);
        var plan = new PlannedOutput(320, 256, 10, TimeSpan.FromSeconds(1), 10, 160, 128, 10);
        var job = new JobRecord
        {
            Id = Ids.New("job"), AccountId = account.Id, Dialect = "native", Status = JobStatus.Queued, Spec = new JobSpec(), Input = new JobInput("upl_x", null),
            Plan = plan, Price = 5, EstimateSeconds = 1, MaxAttempts = maxAttempts, InputKey = "inputs/none", WebhookUrl = "http://127.0.0.1:9/hook",
        };
        var (stored, inserted, _) = await _jobs.InsertAsync(job, "hash", CancellationToken.None);
        Assert.True(inserted);
        return (account.Id, stored);
    }

    private async Task<WorkClaim> ClaimAsync()
    {
        var claimed = await _jobs.ClaimNextAsync(_worker, Lease, CancellationToken.None);
        Assert.NotNull(claimed);
        return claimed.Value.Claim;
    }

    private async Task<List<string>> LedgerKindsAsync(string jobId)
    {
        await using var c = await _db.OpenAsync(CancellationToken.None);
        return [.. await c.QueryAsync<string>("SELECT kind FROM ledger WHERE job_id = @jobId ORDER BY id", new { jobId })];
    }

    /// A URL job as the create stores it: no plan, no price, nothing reserved.
    private async Task<(string AccountId, JobRecord Job)> QueueUnplannedAsync(long credits, bool estimate = false)
    {
        var account = await _accounts.CreateAsync("u", credits, CancellationToken.None);
        var job = new JobRecord
        {
            Id = Ids.New("job"), AccountId = account.Id, Dialect = "native", Status = JobStatus.Queued, Spec = new JobSpec(), Input = new JobInput(null, "http://127.0.0.1:9/in.mp4"),
            Plan = null, Price = 0, EstimateSeconds = 0, MaxAttempts = 3, InputKey = "inputs/x", OwnsInput = true, EstimateOnly = estimate,
        };
        var (stored, inserted, _) = await _jobs.InsertAsync(job, "hash-" + job.Id, CancellationToken.None);
        Assert.True(inserted);
        Assert.Null(stored.Plan);
        Assert.Empty(await LedgerKindsAsync(job.Id));
        return (account.Id, stored);
    }

    private static readonly PlannedOutput PreparedPlan = new(320, 256, 10, TimeSpan.FromSeconds(3), 30, 160, 128, 10);
    private static readonly MediaInfo PreparedProbe = Dialects.Plans.Source(160, 128, 10, 3);

    [Fact]
    public async Task A_prepared_job_stores_its_plan_reserves_its_price_and_places_its_input_in_one_fenced_write()
    {
        var (accountId, job) = await QueueUnplannedAsync(credits: 10);
        var claim = await ClaimAsync();
        var placed = 0;

        Assert.Equal(PrepareOutcome.Lost, await _jobs.SavePreparedAsync(job.Id, "lease_not_mine", PreparedProbe, PreparedPlan, 3, 4, () => placed++, CancellationToken.None));
        Assert.Equal(PrepareOutcome.Prepared, await _jobs.SavePreparedAsync(job.Id, claim.Token, PreparedProbe, PreparedPlan, 3, 4, () => placed++, CancellationToken.None));

        Assert.Equal(1, placed);
        var stored = await _jobs.GetAsync(job.Id, CancellationToken.None);
        Assert.Equal((PreparedPlan, 3L, 30L), (stored!.Plan, stored.Price, stored.FramesTotal));
        Assert.Equal(["reserve"], await LedgerKindsAsync(job.Id));
        Assert.Equal(3, (await _accounts.GetAsync(accountId, CancellationToken.None))!.Reserved);
    }

    [Fact]
    public async Task A_balance_short_of_the_prepared_price_fails_the_job_with_nothing_reserved_placed_or_charged()
    {
        var (accountId, job) = await QueueUnplannedAsync(credits: 2);
        var claim = await ClaimAsync();
        var placed = 0;

        Assert.Equal(PrepareOutcome.InsufficientCredits, await _jobs.SavePreparedAsync(job.Id, claim.Token, PreparedProbe, PreparedPlan, 3, 4, () => placed++, CancellationToken.None));

        Assert.Equal(0, placed);
        var stored = await _jobs.GetAsync(job.Id, CancellationToken.None);
        Assert.Equal((JobStatus.Failed, "insufficient_credits", 3L), (stored!.Status, stored.ErrorCode, stored.Price));
        Assert.Empty(await LedgerKindsAsync(job.Id));
        var account = await _accounts.GetAsync(accountId, CancellationToken.None);
        Assert.Equal((2L, 0L), (account!.Balance, account.Reserved));
    }

    [Fact]
    public async Task An_estimate_is_prepared_and_completed_without_a_reservation()
    {
        var (accountId, job) = await QueueUnplannedAsync(credits: 1, estimate: true);
        var claim = await ClaimAsync();

        Assert.Equal(PrepareOutcome.Prepared, await _jobs.SavePreparedAsync(job.Id, claim.Token, PreparedProbe, PreparedPlan, 3, 4, () => { }, CancellationToken.None));
        Assert.True(await _jobs.EndAsync(job.Id, claim.Token, new JobEstimated(), null, CancellationToken.None));

        var stored = await _jobs.GetAsync(job.Id, CancellationToken.None);
        Assert.Equal((JobStatus.Completed, 3L, true), (stored!.Status, stored.Price, stored.EstimateOnly));
        Assert.Empty(await LedgerKindsAsync(job.Id));
        Assert.Equal((1L, 0L), ((await _accounts.GetAsync(accountId, CancellationToken.None))!.Balance, (await _accounts.GetAsync(accountId, CancellationToken.None))!.Reserved));
    }

    [Fact]
    public async Task Workers_racing_for_the_queue_each_claim_a_different_job()
    {
        var queued = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            queued.Add((await QueueAsync()).Job.Id);
        }

        var claimed = new System.Collections.Concurrent.ConcurrentBag<string>();
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var worker = WorkerIdentity.ForThisProcess(1, "cpu", 1);
            while (await _jobs.ClaimNextAsync(worker, Lease, CancellationToken.None) is { } claim)
            {
                claimed.Add(claim.Job.Id);
            }
        }));
        await Task.WhenAll(workers);

        Assert.Equal(queued.Order(), claimed.Order());
    }

    [Fact]
    public async Task A_live_lease_is_not_taken_but_an_expired_one_is_and_only_the_new_holder_can_finish_the_job()
    {
        var (accountId, job) = await QueueAsync();
        var first = await ClaimAsync();
        Assert.Equal(job.Id, first.UnitId);

        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(await _jobs.ClaimNextAsync(_worker, Lease, CancellationToken.None));
        Assert.Equal(LeaseState.Held, await _jobs.HeartbeatAsync(job.Id, first.Token, Lease, null, CancellationToken.None));

        _clock.Advance(TimeSpan.FromSeconds(31));
        var second = await ClaimAsync();
        Assert.Equal(job.Id, second.UnitId);
        Assert.Equal(2, second.Attempt);

        var completed = new JobCompleted(new JobResult("results/x/result.mp4", 320, 256, 10, TimeSpan.FromSeconds(1), 10, 1000));
        var placedBy = new List<string>();
        Assert.Equal(LeaseState.Lost, await _jobs.HeartbeatAsync(job.Id, first.Token, Lease, null, CancellationToken.None));
        Assert.False(await _jobs.EndAsync(job.Id, first.Token, completed, _ => placedBy.Add("first"), CancellationToken.None));
        Assert.True(await _jobs.EndAsync(job.Id, second.Token, completed, _ => placedBy.Add("second"), CancellationToken.None));
        Assert.False(await _jobs.EndAsync(job.Id, second.Token, completed, _ => placedBy.Add("second again"), CancellationToken.None));
        Assert.False(await _jobs.EndAsync(job.Id, null, new JobFailed("x", "late failure"), null, CancellationToken.None));
        Assert.Equal(["second"], placedBy);

        Assert.Equal(["reserve", "charge"], await LedgerKindsAsync(job.Id));
        var account = await _accounts.GetAsync(accountId, CancellationToken.None);
        Assert.Equal(95, account!.Balance);
        Assert.Equal(0, account.Reserved);
        await using var c = await _db.OpenAsync(CancellationToken.None);
        Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM webhook_outbox WHERE job_id = @id", new { id = job.Id }));
    }

    [Fact]
    public async Task A_job_whose_worker_dies_at_the_same_place_every_time_fails_after_its_strikes_with_its_credits_released()
    {
        var (accountId, job) = await QueueAsync(maxAttempts: 2);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var claim = await ClaimAsync();
            Assert.Equal(attempt, claim.Attempt);
            Assert.Equal(attempt - 1 - (attempt > 1 ? 1 : 0), (await _jobs.GetAsync(job.Id, CancellationToken.None))!.Strikes);
            Assert.True(await _jobs.MarkPlaceAsync(job.Id, claim.Token, 3, 3, CancellationToken.None));
            _clock.Advance(Lease + TimeSpan.FromSeconds(1));
        }

        // The first death set the mark; the next two died there again: two strikes, the limit.
        Assert.Null(await _jobs.ClaimNextAsync(_worker, Lease, CancellationToken.None));
        var failed = await _jobs.GetAsync(job.Id, CancellationToken.None);
        Assert.Equal(JobStatus.Failed, failed!.Status);
        Assert.Equal("attempts_exhausted", failed.ErrorCode);
        Assert.Contains("same place", failed.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(["reserve", "release"], await LedgerKindsAsync(job.Id));
        var account = await _accounts.GetAsync(accountId, CancellationToken.None);
        Assert.Equal(100, account!.Balance);
        Assert.Equal(0, account.Reserved);
        await using var c = await _db.OpenAsync(CancellationToken.None);
        Assert.Equal(["job.failed"], await c.QueryAsync<string>("SELECT event_type FROM webhook_outbox WHERE job_id = @id", new { id = job.Id }));
    }

    [Fact]
    public async Task A_worker_that_dies_outside_the_jobs_own_work_is_no_strike_but_every_death_counts_toward_the_hard_cap()
    {
        var (_, job) = await QueueAsync(maxAttempts: 1);
        for (var attempt = 1; attempt <= WorkPlaces.HardCapFactor; attempt++)
        {
            var claim = await ClaimAsync();
            Assert.Equal(attempt, claim.Attempt);
            Assert.Equal(0, (await _jobs.GetAsync(job.Id, CancellationToken.None))!.Strikes);
            if (attempt % 2 == 0)
            {
                // Through every frame and out again (the mux, the commit): still not the job's fault.
                Assert.True(await _jobs.MarkPlaceAsync(job.Id, claim.Token, 1, 1, CancellationToken.None));
                Assert.True(await _jobs.MarkPlaceAsync(job.Id, claim.Token, WorkPlaces.Outside, 2, CancellationToken.None));
            }

            _clock.Advance(Lease + TimeSpan.FromSeconds(1));
        }

        Assert.Null(await _jobs.ClaimNextAsync(_worker, Lease, CancellationToken.None));
        var failed = await _jobs.GetAsync(job.Id, CancellationToken.None);
        Assert.Equal((JobStatus.Failed, "attempts_exhausted", 0), (failed!.Status, failed.ErrorCode, failed.Strikes));
        Assert.Contains($"{WorkPlaces.HardCapFactor} attempts in all", failed.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(["reserve", "release"], await LedgerKindsAsync(job.Id));
    }

    [Fact]
    public async Task A_cancel_of_a_running_job_is_seen_by_its_heartbeat_and_settles_once()
    {
        var (accountId, job) = await QueueAsync();
        var claim = await ClaimAsync();
        var after = await _jobs.RequestCancelAsync(job.Id, CancellationToken.None);
        Assert.Equal(JobStatus.Processing, after!.Status);
        Assert.Equal(LeaseState.CancelRequested, await _jobs.HeartbeatAsync(job.Id, claim.Token, Lease, null, CancellationToken.None));
        Assert.True(await _jobs.EndAsync(job.Id, claim.Token, new JobCancelled(), null, CancellationToken.None));
        Assert.False(await _jobs.EndAsync(job.Id, claim.Token, new JobCancelled(), null, CancellationToken.None));
        Assert.Equal(["reserve", "release"], await LedgerKindsAsync(job.Id));
        Assert.Equal(100, (await _accounts.GetAsync(accountId, CancellationToken.None))!.Available);
    }

    [Fact]
    public async Task A_death_is_a_strike_only_at_the_furthest_place_any_attempt_reached()
    {
        var (_, job) = await QueueAsync(maxAttempts: 2);
        async Task<int> DiesAtAsync(params long[] places)
        {
            var claim = await ClaimAsync();
            foreach (var place in places)
            {
                Assert.True(await _jobs.MarkPlaceAsync(job.Id, claim.Token, place, place, CancellationToken.None));
            }

            _clock.Advance(Lease + TimeSpan.FromSeconds(1));
            return claim.Attempt;
        }

        async Task<int> StrikesAsync() => (await _jobs.GetAsync(job.Id, CancellationToken.None))!.Strikes;

        // Each further than any before: the mark moves, no strike.
        foreach (var place in new long[] { 3, 6, 9, 12 })
        {
            await DiesAtAsync(1, place);
        }

        // Died before the mark (an attempt got past that place already): a kill, not the job.
        await DiesAtAsync(1, 4);
        await DiesAtAsync();
        Assert.Equal(0, await StrikesAsync());

        // Died at the mark again: a strike. A graceful release is none.
        await DiesAtAsync(1, 12);
        var eighth = await ClaimAsync();
        Assert.Equal((8, 1), (eighth.Attempt, await StrikesAsync()));
        Assert.True(await _jobs.ReleaseAsync(job.Id, eighth.Token, countStrike: false, CancellationToken.None));
        var released = await _jobs.GetAsync(job.Id, CancellationToken.None);
        Assert.Equal((JobStatus.Queued, 1, 7), (released!.Status, released.Strikes, released.Attempts));

        // Past its last frame (outside again, the mark one further) and died there: the crash did not
        // repeat, so the strike is cleared. Then died at 12, before the mark: no strike.
        var claim = await ClaimAsync();
        Assert.True(await _jobs.MarkPlaceAsync(job.Id, claim.Token, 12, 12, CancellationToken.None));
        Assert.True(await _jobs.MarkPlaceAsync(job.Id, claim.Token, WorkPlaces.Outside, 13, CancellationToken.None));
        _clock.Advance(Lease + TimeSpan.FromSeconds(1));
        await DiesAtAsync(1, 12);
        Assert.Equal(0, await StrikesAsync());

        var last = await ClaimAsync();
        Assert.Equal((10, 0), (last.Attempt, await StrikesAsync()));

        // A lease that is gone cannot mark a place.
        Assert.False(await _jobs.MarkPlaceAsync(job.Id, claim.Token, 5, 5, CancellationToken.None));
        Assert.True(await _jobs.MarkPlaceAsync(job.Id, last.Token, 5, 5, CancellationToken.None));
    }

    [Fact]
    public async Task A_deleted_job_cannot_be_ended_and_places_no_files()
    {
        var (_, job) = await QueueAsync();
        var claim = await ClaimAsync();
        await using (var c = await _db.OpenAsync(CancellationToken.None))
        {
            await c.ExecuteAsync("UPDATE jobs SET deleted_at = 1 WHERE id = @id", new { id = job.Id });
        }

        var placed = false;
        var completed = new JobCompleted(new JobResult("results/x/result.mp4", 320, 256, 10, TimeSpan.FromSeconds(1), 10, 1000));
        Assert.False(await _jobs.EndAsync(job.Id, claim.Token, completed, _ => placed = true, CancellationToken.None));
        Assert.False(placed);
        Assert.Equal(["reserve"], await LedgerKindsAsync(job.Id));
    }

    [Fact]
    public async Task A_place_that_throws_rolls_back_the_end_and_the_charge()
    {
        var (accountId, job) = await QueueAsync();
        var claim = await ClaimAsync();
        var completed = new JobCompleted(new JobResult("results/x/result.mp4", 320, 256, 10, TimeSpan.FromSeconds(1), 10, 1000));
        await Assert.ThrowsAsync<IOException>(() => _jobs.EndAsync(job.Id, claim.Token, completed, _ => throw new IOException("disk full"), CancellationToken.None));
        Assert.Equal(JobStatus.Processing, (await _jobs.GetAsync(job.Id, CancellationToken.None))!.Status);
        Assert.Equal(["reserve"], await LedgerKindsAsync(job.Id));
        Assert.Equal(5, (await _accounts.GetAsync(accountId, CancellationToken.None))!.Reserved);
        Assert.True(await _jobs.EndAsync(job.Id, claim.Token, completed, null, CancellationToken.None));
    }

    [Fact]
    public async Task A_worker_advertises_itself_and_its_current_work_and_its_stop()
    {
        var store = new SqlWorkerStore(_db, _clock);
        await store.BeatAsync(_worker, ["job:job_1"], CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(2));
        await store.BeatAsync(_worker, ["job:job_2"], CancellationToken.None);
        var seen = Assert.Single(await store.ListAsync(_clock.GetUtcNow() - TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal((_worker.Id, _worker.Host, 2, "cpu", 1), (seen.Id, seen.Host, seen.Threads, seen.Provider, seen.Slots));
        Assert.Equal(["job:job_2"], seen.CurrentWork);
        Assert.Equal(_clock.GetUtcNow(), seen.LastHeartbeatAt);
        Assert.Null(seen.StoppedAt);

        await store.MarkStoppedAsync(_worker, CancellationToken.None);
        var stopped = Assert.Single(await store.ListAsync(_clock.GetUtcNow() - TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Empty(stopped.CurrentWork);
        Assert.NotNull(stopped.StoppedAt);
    }
}
