using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Service.Accounts;
using Upres.Service.Billing;
using Upres.Service.Data;
using Upres.Service.Hosting;
using Upres.Service.Metrics;
using Upres.Service.Problems;
using Upres.Service.Security;
using Upres.Service.Storage;
using Upres.Service.Uploads;

namespace Upres.Service.Jobs;

/// The job core every door uses: create (validate, then plan, price and reserve an upload at once,
/// or queue a URL input for the worker's prepare stage), read, cancel, delete.
/// Refusals are ServiceExceptions with stable codes, which each door renders in its own shape.
public sealed class JobService(
    IJobStore store,
    IUploadStore uploads,
    IAccountStore accounts,
    PriceTable prices,
    IntakeRules intake,
    ModelOffers models,
    ResultLinks links,
    JobQueueSignal signal,
    RunningJobs running,
    StorageRoot storage,
    StorageSpace space,
    UpresMetrics metrics,
    IOptions<UpresOptions> options)
{
    public async Task<JobCreation> CreateAsync(NewJob request, CancellationToken cancellationToken)
    {
        if (!request.EstimateOnly)
        {
            space.EnsureRoomForNewWork();
            await RequireStorageRoomAsync(request.AccountId, cancellationToken);
        }

        var spec = request.Spec;
        if (spec.Model is { } requested)
        {
            try
            {
                spec = spec with { Model = models.Resolve(spec.Model, spec.Scale ?? 2) };
            }
            catch (KeyNotFoundException)
            {
                throw new ServiceException(Errors.UnknownModel(requested));
            }
        }

        JobSpecValidator.Validate(spec, models.ModelNames);
        // What the engine would refuse whatever the input (a codec its container cannot carry) is
        // refused here, for a URL input too, before anything is fetched or reserved.
        JobPlanning.Check(spec);
        if ((request.Input.UploadId is null) == (request.Input.Url is null))
        {
            throw new ServiceException(Errors.Validation("Give exactly one of 'input.upload_id' and 'input.url'."));
        }

        if (request.WebhookUrl is not null)
        {
            UrlGuard.ParseAndCheckForm(request.WebhookUrl);
        }

        if (request.IdempotencyKey is { Length: > 200 })
        {
            throw new ServiceException(Errors.Validation("The Idempotency-Key is longer than 200 characters."));
        }

        request = request with { Spec = spec };
        var hash = RequestHash(request);
        if (request.IdempotencyKey is not null && !request.EstimateOnly
            && await store.FindByIdempotencyKeyAsync(request.AccountId, request.IdempotencyKey, cancellationToken) is { } earlier)
        {
            return Replay(earlier.Job, earlier.RequestHash, hash);
        }

        var jobId = request.Id ?? Ids.New("job");
        if (request.Input.Url is { } url)
        {
            return await QueueUrlInputAsync(request, jobId, url, hash, cancellationToken);
        }

        var upload = await uploads.GetAsync(request.AccountId, request.Input.UploadId!, cancellationToken)
            ?? throw new ServiceException(Errors.NotFound("upload", request.Input.UploadId!));
        var probe = JsonSerializer.Deserialize<MediaInfo>(upload.ProbeJson)!;
        var plan = JobPlanning.Plan(spec, probe);
        var quote = prices.Quote(intake.For(request.Dialect).PriceQueryFor(spec, request.DialectData, plan));
        var estimate = EstimateSeconds(plan, options.Value);
        if (request.EstimateOnly)
        {
            return new JobCreation(null, quote, plan, estimate, false);
        }

        var job = NewRecord(request, jobId, upload.Key, ownsInput: false) with
        {
            Probe = probe,
            Plan = plan,
            Price = quote.Credits,
            EstimateSeconds = estimate,
            FramesTotal = plan.Frames,
        };
        var (stored, inserted, existingHash) = await store.InsertAsync(job, hash, cancellationToken);
        if (!inserted)
        {
            return Replay(stored, existingHash, hash);
        }

        metrics.JobCreated();
        signal.Notify();
        return new JobCreation(stored, quote, plan, estimate, false);
    }

    /// A URL input is not touched here: the job is stored unplanned and unpriced, and the worker's
    /// prepare stage fetches, checks, plans, prices and reserves. The account must hold the least
    /// any job can cost, so an account without credit cannot make the server fetch anything.
    private async Task<JobCreation> QueueUrlInputAsync(NewJob request, string jobId, string url, string hash, CancellationToken cancellationToken)
    {
        UrlGuard.ParseAndCheckForm(url);
        if (request.EstimateOnly && request.WebhookUrl is not null)
        {
            throw new ServiceException(Errors.Validation("An estimate sends no webhook: leave 'webhook_url' out."));
        }

        await RequireLeastPriceAsync(request.AccountId, request.Spec, cancellationToken);
        var job = NewRecord(request, jobId, StorageRoot.InputKey(jobId), ownsInput: true) with { EstimateOnly = request.EstimateOnly };
        var (stored, inserted, existingHash) = await store.InsertAsync(job, hash, cancellationToken);
        if (!inserted)
        {
            return Replay(stored, existingHash, hash);
        }

        metrics.JobCreated();
        signal.Notify();
        return new JobCreation(stored, null, null, 0, false);
    }

    /// Refuses (storage_quota_exceeded) an account that keeps its whole storage quota already: its
    /// result would have nowhere to go. A result is counted when its job completes (even past the
    /// quota: the job was accepted), so the quota holds up to the results of jobs already running.
    private async Task RequireStorageRoomAsync(string accountId, CancellationToken cancellationToken)
    {
        if (await accounts.GetAsync(accountId, cancellationToken) is { Storage: { AvailableBytes: 0 } usage })
        {
            throw new ServiceException(Errors.StorageQuotaExceeded(usage, null));
        }
    }

    /// Refuses (insufficient_credits) an account that cannot pay the least any job with this spec
    /// costs: checked before anything touches a URL input.
    public async Task RequireLeastPriceAsync(string accountId, JobSpec spec, CancellationToken cancellationToken)
    {
        var smallest = prices.Smallest(spec.UseSr ? spec.Model : Upres.Engine.UpscaleEngine.NoSuperResolution);
        var account = await accounts.GetAsync(accountId, cancellationToken);
        if (account is null || account.Available < smallest)
        {
            throw new ServiceException(Errors.InsufficientCredits(smallest, account?.Available ?? 0));
        }
    }

    private JobRecord NewRecord(NewJob request, string jobId, string inputKey, bool ownsInput) => new()
    {
        Id = jobId,
        AccountId = request.AccountId,
        Dialect = request.Dialect,
        Status = JobStatus.Queued,
        Spec = request.Spec,
        Input = request.Input,
        Plan = null,
        Price = 0,
        EstimateSeconds = 0,
        IdempotencyKey = request.IdempotencyKey,
        WebhookUrl = request.WebhookUrl,
        WebhookProgress = request.WebhookProgress,
        MetadataJson = request.MetadataJson,
        DialectData = request.DialectData,
        MaxAttempts = options.Value.MaxAttempts,
        InputKey = inputKey,
        OwnsInput = ownsInput,
    };

    /// A job of this account (deleted jobs are gone); null otherwise.
    public async Task<JobRecord?> GetAsync(string accountId, string jobId, CancellationToken cancellationToken)
        => await store.GetAsync(jobId, cancellationToken) is { } job && job.AccountId == accountId && !IsDeleted(job) ? job : null;

    public Task<IReadOnlyList<JobRecord>> ListAsync(JobListQuery query, CancellationToken cancellationToken) => store.ListAsync(query, cancellationToken);

    /// The signed download link of a completed job whose file is still kept.
    public ResultLink? ResultLinkFor(JobRecord job)
        => job.Status == JobStatus.Completed && job.Result is not null && job.FilesDeletedAt is null ? links.Create(job.Id) : null;

    public async Task<JobRecord> CancelAsync(string accountId, string jobId, CancellationToken cancellationToken)
    {
        var job = await GetAsync(accountId, jobId, cancellationToken) ?? throw new ServiceException(Errors.NotFound("job", jobId));
        if (job.Status.IsTerminal())
        {
            throw new ServiceException(Errors.JobNotCancellable(job.Status.ToWire()));
        }

        var after = await store.RequestCancelAsync(jobId, cancellationToken) ?? job;
        // Reach the running job now rather than at its next heartbeat.
        running.Cancel(jobId);
        return after;
    }

    public async Task DeleteAsync(string accountId, string jobId, CancellationToken cancellationToken)
    {
        var job = await GetAsync(accountId, jobId, cancellationToken) ?? throw new ServiceException(Errors.NotFound("job", jobId));
        if (!job.Status.IsTerminal())
        {
            throw new ServiceException(Errors.JobActive());
        }

        await store.MarkDeletedAsync(jobId, cancellationToken);
        DeleteFiles(job, storage);
        await store.MarkFilesDeletedAsync(jobId, cancellationToken);
    }

    internal static void DeleteFiles(JobRecord job, StorageRoot storage)
    {
        if (job.OwnsInput)
        {
            storage.DeleteFile(job.InputKey);
        }

        storage.DeleteFolder(StorageRoot.ResultFolderKey(job.Id));
    }

    private static bool IsDeleted(JobRecord job) => job.DeletedAt is not null;

    private static JobCreation Replay(JobRecord job, string storedHash, string hash)
    {
        if (!string.Equals(storedHash, hash, StringComparison.Ordinal))
        {
            throw new ServiceException(Errors.IdempotencyKeyReused());
        }

        var quote = job.Plan is { } plan
            ? new PriceQuote(job.Price, PriceQuery.BillableSecondsOf(plan.Duration), 0, "", new PriceQuery(0, plan.Width, plan.Height, plan.FrameRate))
            : null;
        return new JobCreation(job, quote, job.Plan, job.EstimateSeconds, Replayed: true);
    }

    /// Seconds one worker needs for the plan, from UPRES_ESTIMATE_PIXELS_PER_SECOND.
    public static double EstimateSeconds(PlannedOutput plan, UpresOptions options)
        => 2 + (plan.Frames * (double)plan.Width * plan.Height / options.EstimatePixelsPerSecond);

    private static string RequestHash(NewJob r)
    {
        var canonical = JsonSerializer.Serialize(new { r.Dialect, r.Input, r.Spec, r.WebhookUrl, r.WebhookProgress, r.MetadataJson, r.DialectData });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
